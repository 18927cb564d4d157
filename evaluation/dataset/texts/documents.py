"""Documents a claimant sends, by what they show."""

from __future__ import annotations

# Documents a claimant sends, by what they show.
CRIME_REPORTS = [
    "Police crime report. Reference {ref}. Offence: theft. Reported by the policyholder on "
    "the day of the incident.",
    "Incident reference {ref} - theft - reported in person at the station.",
    "Report of a crime, number {ref}. Items listed as taken by the victim.",
]
REPORT_WITHOUT_REFERENCE = [
    "I have filed a police report.",
    "Police report filed, they will be in touch.",
    "Told the police about it on the phone.",
]
NO_REPORT = [
    "Note: no police report was filed.",
    "We didn't go to the police, it was late and we were tired.",
    "There is no police report for this one.",
]
RECEIPTS = [
    "Receipt for the item, bought in 2024 for {amount}.",
    "Order confirmation from the online shop, total {amount}.",
    "Warranty card and purchase receipt, {amount}.",
]
INVOICES = [
    "Invoice 2026-{n:04d} from the repairer: parts and labour, total {amount}. Paid by card.",
    "Tax invoice {n}: works carried out as described, {amount} including VAT.",
    "Statement of account from the clinic, treatment on the dates given, {amount}.",
]
CASH_NOTES = [
    "Paid in cash to the repairer. No invoice was issued.",
    "He only took cash, I asked for a receipt but didn't get one.",
]
CONTRADICTING = [
    "Invoice for the repair of a white van, registration not ours, dated two years ago.",
    "Receipt for a television bought the week after the date of the claim.",
    "Repair estimate for damage to the rear of the car (the claim says the front).",
]
SURVEYOR = [
    "Survey report: the damage shows long-standing water ingress over several years.",
    "Engineer's note: the wear on the part built up long before this year.",
]
