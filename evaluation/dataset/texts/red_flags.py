"""R2 red flags (thefts without a crime reference, cash without paperwork, pre-existing damage,
intent, contradiction, vagueness), and thefts with a reference (nothing left to check)."""

from __future__ import annotations

# R2: a theft with no police crime reference number. Some say they told the police, or that a
# report was filed, without a reference: the rubric still wants a person to check.
THEFT_NO_REFERENCE: list[tuple[str, str]] = [
    ("auto", "Someone nicked my bike rack and the bike off the back of the car outside the gym."),
    ("auto", "Came back to the car and the laptop bag on the back seat was gone, window smashed."),
    ("travel", "My phone got swiped out of my hand on the street by a guy on a moped in Rome."),
    ("travel", "Left my handbag on the chair at a cafe in Nice for a minute and it disappeared."),
    ("home", "Break-in while we were away for the weekend: TV, jewellery and a console taken."),
    ("auto", "Catalytic converter was cut off the car overnight on the driveway."),
    ("travel", "My wallet and cards were pickpocketed on the metro in Barcelona."),
    ("auto", "Tools taken from my van parked outside the house, the back door forced."),
    (
        "home",
        "Golf clubs gone from the garage, side door was open. Didn't bother the police, "
        "they never do anything.",
    ),
    ("travel", "Someone made off with our suitcase from the hotel lobby while we checked in."),
    ("home", "Burglars got in through the back window and took the laptop and my watch."),
    ("travel", "Somebody lifted my camera from the beach bag while we were swimming."),
    ("auto", "My car was stolen from the street and found burnt out two days later."),
    ("travel", "Phone pinched at a festival abroad, gone from my pocket."),
    (
        "home",
        "The doorbell camera shows a man walking off with the parcels and the e-bike from "
        "the porch.",
    ),
    (
        "home",
        "Garden furniture and the pressure washer went missing from the back garden overnight.",
    ),
    (
        "auto",
        "I reported it to the police and they said they would look into it. The bike was "
        "taken from the rack on my car at the station.",
    ),
    ("home", "Laptop stolen from my home office while the builders were in. Police report filed."),
    ("travel", "My necklace was taken from the hotel safe; I told the hotel and the police."),
    (
        "travel",
        "Robbed at knifepoint on holiday, they took my phone and watch. Went to the "
        "police station afterwards.",
    ),
    (
        "auto",
        "The wheels were taken off my car overnight and it was left on bricks. Police informed.",
    ),
    ("auto", "Moped was taken from outside work, I have reported it."),
    ("home", "somebody broke into the shed n took the mower and strimmer"),
    ("travel", "Handbag snatched on holiday in Naples: cash, sunglasses and the bag itself."),
]
# R6/R7: a theft with a police crime reference number: nothing left to check.
THEFT_WITH_REFERENCE: list[tuple[str, str]] = [
    (
        "auto",
        "Bike stolen from the rack on my car at the station; crime reference "
        "4401/26/118, the strap was cut.",
    ),
    (
        "auto",
        "Laptop taken from the car overnight, window smashed. Police crime number CR-2026-55812.",
    ),
    ("home", "Burglary while we were away: jewellery and a TV taken. Crime ref MET/26/0193442."),
    ("travel", "My phone was snatched on a tram in Lisbon; reported, police reference 26-4471."),
    ("auto", "Van broken into and the tools taken, crime reference number 2026/TH/10293."),
    (
        "travel",
        "Suitcase taken from the hotel luggage room; the local police gave us report "
        "no. 7712/2026.",
    ),
    (
        "auto",
        "Catalytic converter cut off on the drive. Reported online, crime number 01/99127/26.",
    ),
    (
        "travel",
        "Handbag stolen from a restaurant chair in Lyon, police report (procès-verbal) "
        "number 2026/00891.",
    ),
    (
        "home",
        "E-bike taken from the garden shed, crime ref 26000461732; CCTV handed to the police.",
    ),
    ("auto", "Golf clubs lifted from the boot at the club car park; crime reference 55-2026-3318."),
]
# R2: paid in cash with no invoice or receipt.
CASH_NO_PAPERWORK: list[tuple[str, str]] = [
    ("auto", "Paid the mechanic cash for the new gearbox, he doesn't do invoices."),
    ("home", "A mate of mine fixed the roof, I gave him 3k in notes, no receipt."),
    (
        "travel",
        "The dentist on holiday only took cash, I don't have a receipt but it was about 2,000.",
    ),
    ("home", "The fence guy wanted cash so there's no invoice, just the photos."),
    ("auto", "Had the bodywork done at a place that only takes cash, no paperwork sorry."),
    ("home", "Settled the plumber in cash, he said a receipt would cost extra."),
    (
        "health",
        "The physio was a friend of a friend, I paid cash each session, nothing written down.",
    ),
    ("travel", "Bought replacement clothes at a market with cash, no receipts given."),
    ("home", "The builder gave a discount for cash so there's no invoice for the kitchen repair."),
    ("auto", "Back-street garage did the repairs, cash only, no bill."),
    ("home", "paid cash to a guy off facebook to fix the window, no receipt"),
    ("health", "The clinic asked for cash upfront and did not give me any paperwork."),
]
# R2: the damage or condition predates the policy.
PRE_EXISTING: list[tuple[str, str]] = [
    (
        "home",
        "The crack in the ceiling has been there a couple of years but it got bigger this winter.",
    ),
    (
        "auto",
        "The engine has made that knocking noise since I bought the car two years ago, now "
        "it has gone completely.",
    ),
    (
        "health",
        "My knee has been bad since an old rugby injury in 2019; it flared up so I had physio.",
    ),
    (
        "home",
        "The damp in the back bedroom was already there when we moved in three years ago, "
        "it has spread.",
    ),
    ("home", "The roof has leaked on and off for ages, we finally got it done properly."),
    (
        "auto",
        "The dent was there when I took out the policy but I never claimed for it, could "
        "you cover it now?",
    ),
    ("health", "My back condition goes back years; this is another round of treatment."),
    (
        "home",
        "Water damage from a leak last autumn, before I was insured with you, but I only "
        "noticed the mould now.",
    ),
    (
        "health",
        "The tooth cracked a while back, before this cover started, and now it needs a crown.",
    ),
    ("auto", "Gearbox trouble started in 2024 and it finally failed this month."),
    (
        "health",
        "I've had the same chest problems for years, the latest flare-up needed a specialist.",
    ),
    ("home", "Cracks were noted in the survey when we bought the house and they have widened."),
]
# R2: damage done on purpose by the policyholder or someone in the household.
INTENTIONAL: list[tuple[str, str]] = [
    ("home", "Got locked out so I kicked the back door in, the frame needs replacing."),
    ("home", "My teenager punched a hole in the bedroom wall during an argument."),
    (
        "home",
        "I smashed my phone throwing it at the wall when I got the news; screen and back broken.",
    ),
    ("auto", "My husband reversed into my car on purpose after a row."),
    ("home", "I cut the tree down myself and it landed on the shed, I knew it might."),
    ("home", "My son deliberately smashed the TV screen with a games controller."),
    ("home", "I broke the lock off my own shed with a crowbar because I lost the key."),
    (
        "home",
        "My flatmate (we live together) threw a chair through the window at a party, on purpose.",
    ),
    (
        "home",
        "I took a hammer to the old boiler to get it out before the new one was fitted and "
        "the pipes got damaged too.",
    ),
    ("home", "my daughter scribbled on the sofa with permanent marker to get back at her brother"),
    ("home", "Kicked the TV in frustration during the match, cracked the screen."),
    ("auto", "I scratched my wife's car with my keys after an argument, I regret it."),
]
# R2: the story contradicts itself, or is not a story of the claim type it is filed under.
INCONSISTENT: list[tuple[str, str]] = [
    ("health", "The rear bumper was damaged when another car backed into it in the car park."),
    ("travel", "A burst pipe in our kitchen at home flooded the floor."),
    (
        "auto",
        "I was at home all day when the car was hit in the car park at work; I saw it "
        "happen from my desk.",
    ),
    ("home", "The storm last night blew half the roof off; it has been calm and sunny all week."),
    (
        "health",
        "Broke my left wrist falling off a ladder; the X-ray of my right wrist is attached.",
    ),
    (
        "travel",
        "Our flight to Rome was cancelled so we stayed at home; please pay for the three "
        "nights we spent at the hotel in Rome.",
    ),
    ("auto", "The car was parked in my locked garage when a passing lorry hit it."),
    ("home", "The washing machine leaked and flooded the flat upstairs. We live in a bungalow."),
    ("auto", "I slipped on the ice outside the shop and broke my wrist."),
    (
        "home",
        "Kitchen fire destroyed the cooker; nothing else was damaged, no smoke anywhere, "
        "the cooker just melted on its own while it was switched off.",
    ),
]
# R2: the description does not say what happened.
VAGUE: list[tuple[str, str]] = [
    ("home", "Damage."),
    ("auto", "Please pay my claim."),
    ("home", "See attached."),
    ("auto", "Car."),
    ("travel", "accident, need money asap"),
    ("health", "Same as last time."),
    ("home", "Things broke."),
    ("health", "Medical bills."),
    ("travel", "Holiday problems, you know what happened."),
    ("home", "Water."),
]

# What a claimant of a theft with no crime reference sends when the assessor asks for one: half
# the thefts answer with a reference (R6 clears the flag), half with a note that is not one.
ANSWER_WITH_REFERENCE: list[str] = [
    "Here it is: crime reference 5521/26/044, given at the front desk on the Monday.",
    "The officer gave me the number afterwards: CR-2026-71940.",
    "Reference from the police letter: 26/HX/30118.",
    "Crime number MET/26/0451207, as written on the card they left.",
    "They emailed it today: incident reference 2026-TH-88021.",
]
ANSWER_WITHOUT_REFERENCE: list[str] = [
    "I phoned the police but nobody gave me a number.",
    "I told an officer on the street, he said it was not worth writing up.",
    "I didn't go to the police, it seemed pointless for something so small.",
    "My husband reported it online, I don't know what happened after that.",
    "The station was closed so I never got round to it.",
]
