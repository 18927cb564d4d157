"""R7: ordinary claims, one story each, per claim type."""

from __future__ import annotations

# R7: ordinary claims, one story each, per claim type.
ORDINARY: dict[str, list[str]] = {
    "home": [
        "Burst pipe in the loft during the cold snap, water came through the bedroom ceiling. "
        "Plumber fixed it and a decorator replastered.",
        "Kitchen tap sprung a leak overnight and ruined the laminate flooring. Had it relaid "
        "last week, invoice from the fitter attached.",
        "storm took half the fence panels down, had a local firm put new ones up",
        "Our boiler's pressure valve failed and flooded the airing cupboard; engineer replaced "
        "the valve and we dried out the carpet.",
        "A lorry clipped our garden wall reversing into the lane and knocked the top course "
        "off. Builder rebuilt it, receipt enclosed.",
        "Washing machine hose split while we were out, water everywhere in the utility room. "
        "New hose, new lino.",
        "Lightning hit the aerial and fried the TV and the router. Bought replacements from "
        "the electrical shop, receipts attached.",
        "Heavy rain overwhelmed the gutter and water got in around the bay window; the damp "
        "patch on the living room wall was repaired by a plasterer.",
        "Tree from the neighbours garden came down in high winds and smashed our shed roof.",
        "Frozen pipe under the bathroom floor cracked. Had to lift tiles to get at it, plumber "
        "and tiler invoices.",
        "The toilet cistern overflowed for hours when the float stuck and it came through to "
        "the hall. Ceiling patched and painted.",
        "Chip pan fire in the kitchen. Put it out with the blanket but the cooker hood and the "
        "cupboards above are scorched and need replacing.",
        "Roof tiles slipped in the gale on Tuesday and rain got into the loft insulation. "
        "Roofer's invoice enclosed.",
        "Dishwasher leaked slowly under the units, the kicker boards and floor swelled up. "
        "Replaced by the kitchen company.",
        "hail cracked two panes in the greenhouse and the skylight over the stairs",
        "Power surge in the thunderstorm blew the fridge-freezer compressor and we lost the "
        "food as well. New fridge from the retailer.",
        "A car skidded on the ice and ended up in our front porch. The porch has been rebuilt.",
        "Water tank in the attic split, big stain across two ceilings. Got a plumber out the "
        "same day, then a decorator.",
        "Flooding from the blocked drain outside got into the garage and damaged the tumble "
        "dryer and the chest freezer kept there.",
        "Smoke damage to the lounge after the log burner back-drafted; professional cleaning "
        "of the walls and curtains.",
        "Radiator valve snapped when the heating came on, soaked the hallway carpet. "
        "Replacement carpet fitted.",
        "Wind blew the satellite dish off and it dented the conservatory roof on the way down.",
        "A leak from the upstairs shower tray went unnoticed until the kitchen ceiling "
        "bulged. Tray resealed, ceiling repaired.",
        "Storm damage: ridge tiles gone, flashing torn around the chimney, water in the back "
        "bedroom.",
        "Hot water cylinder burst and the cupboard and landing carpet are ruined. Cylinder "
        "replaced by a registered engineer.",
        "Fridge water line came loose and flooded the kitchen floor; new flooring laid.",
        "the gutters overflowed in that downpour and water got into the cellar, had it pumped "
        "out and the damp treated",
        "The mains pipe under the front garden burst and washed out part of the driveway. The "
        "water company fixed the pipe, we paid to relay the drive.",
        "Lightning strike on the chimney stack, bricks came through the roof into the loft. "
        "Emergency tarp, then a builder.",
        "Heavy snow collapsed the carport roof onto the garden furniture underneath.",
        "Washing machine caught fire mid-cycle. It was put out quickly but the utility room "
        "needs redecorating and a new machine.",
        "leaky joint on the heating pipework under the floorboards stained the dining room "
        "ceiling below. plumber fixed it + redecoration",
    ],
    "auto": [
        "Got rear-ended at the lights on Mill Road, other driver admitted it. Rear bumper and "
        "parking sensors replaced.",
        "Hit a pothole hard on the bypass; it split the front tyre and bent the alloy. New tyre "
        "and wheel fitted.",
        "Scraped the side of the car on a concrete pillar in a multi-storey. Body shop "
        "repaired the two doors.",
        "windscreen got a crack from a stone off a gravel lorry, had it replaced by the glass "
        "people",
        "A deer ran out on a country lane at dusk and I hit it. Bonnet, grille and headlight "
        "damaged; the car is at the body shop.",
        "Reversed into my neighbour's gatepost, smashed the tail light and dented the boot lid.",
        "Hailstones the size of marbles left dents all over the roof and bonnet while parked "
        "at work.",
        "A shopping trolley blew into the car in high winds and creased the rear quarter panel.",
        "Someone opened their door into mine in the car park, big dent in the driver's door. "
        "Repaired at the garage.",
        "Skidded on black ice into the kerb, cracked the front suspension arm and knocked the "
        "tracking out. Garage invoice attached.",
        "Flood water on the lane was deeper than I thought and the engine sucked water in. "
        "The garage says it needs a new engine.",
        "Tree branch fell on the parked car during the storm and cracked the sunroof.",
        "Minor bump at a roundabout, I went into the back of a van. My front bumper, grille "
        "and radiator were replaced.",
        "Clipped a wing mirror on a parked lorry on a narrow street; new mirror glass and "
        "housing fitted.",
        "Low bridge! Didn't see the height sign with the roof box on; roof box and rails damaged.",
        "Car was hit while parked outside my house; the driver left a note with his details. "
        "Rear door and sill repaired.",
        "Went over debris on the motorway that punctured the sump. Oil leaked out and the car "
        "was recovered to a garage.",
        "A cyclist rode into my door as I opened it. Door panel dented, cyclist fine.",
        "Heavy rain, aquaplaned and hit the central barrier. Front wing, bumper and headlight "
        "damage.",
        "Slid into a ditch in the snow avoiding an oncoming car and got towed out; front "
        "bumper and undertray replaced.",
        "Loose gravel from roadworks chipped the paint along the bonnet and cracked a fog light.",
        "Reversing camera didn't pick up a low wall, rear bumper cracked.",
        "Multi-car shunt on the ring road in slow traffic, I was in the middle; front and rear "
        "damage.",
        "The garage door came down on the car roof as I drove in (the remote misfired). Roof "
        "panel repaired.",
        "Hit a fox on the dual carriageway, broke the number plate mount and the lower grille.",
        "Parked under a tree and a big limb came down in the wind, smashed the rear window.",
        "Lost control on wet leaves and hit a lamp post. Front end damaged, repaired at the "
        "dealer.",
        "car slipped off the jack while i was changing a wheel, damaged the sill and a brake disc",
        "A delivery van reversed into my parked car at the retail park and the driver "
        "admitted it. Front bumper replaced.",
        "Flash flood in the underground car park, water up to the door sills; carpets and "
        "electrics needed work.",
        "Sideswiped on the motorway by a car changing lanes; two doors and the mirror repaired.",
        "A stone chip spread into a long crack across the windscreen in the frost; new screen "
        "fitted and the camera recalibrated.",
    ],
    "health": [
        "Slipped on the wet bathroom floor and broke my ankle. A&E, X-rays, a boot, and "
        "follow-up at the fracture clinic.",
        "Tore my ACL playing five-a-side; MRI scan and eight physio sessions so far.",
        "Kidney stones: two nights in hospital and a procedure to remove one.",
        "Came off my bike on the canal path, needed stitches in my chin and my wrist strapped.",
        "Chipped a front tooth on a fork (really). Emergency dentist bonded it, then a crown.",
        "Bad allergic reaction to a wasp sting, ambulance to hospital and kept in overnight.",
        "Tonsillitis that wouldn't shift: GP referral, antibiotics and an ENT consultation.",
        "Broke two fingers catching a cricket ball. Splints, X-rays and hand therapy.",
        "Hurt my back lifting boxes when we moved; osteopath treatment over three weeks.",
        "my kid fell off the trampoline and broke her arm, A&E and a cast, follow up appointments",
        "Gallbladder removed after repeated attacks; keyhole surgery and one night in hospital.",
        "Eye infection that got bad fast; urgent appointment with an ophthalmologist and drops.",
        "Burned my hand on the oven tray. Minor injuries unit, then dressings changed at the "
        "clinic for two weeks.",
        "Fell down the stairs and fractured my wrist in two places; surgery to plate it.",
        "Pulled a hamstring running the half marathon; six sessions with a sports physio.",
        "A stomach bug turned into severe dehydration, on a drip at the hospital for a day.",
        "Dislocated my shoulder on the dry ski slope, put back at A&E, then physio.",
        "Needed an emergency root canal when a tooth abscess flared up over the weekend.",
        "Concussion after walking into a low beam; CT scan to rule out a bleed.",
        "Broken nose from a football to the face, seen by ENT and it was reset.",
        "Appendix out after sudden pain at work; three days on the ward.",
        "Bitten on the calf by a neighbour's dog: cleaned and stitched, tetanus jab and "
        "antibiotics.",
        "cut my foot on glass at the beach, 6 stitches, dressings changed by the practice nurse",
        "Twisted my knee stepping off a kerb; the MRI showed a torn meniscus and I had an "
        "arthroscopy.",
        "Pneumonia, admitted for four days on IV antibiotics.",
        "Broken collarbone after falling off a horse; sling, X-rays and clinic follow-ups.",
        "Severe migraine with loss of vision, emergency neurology assessment and an MRI, all "
        "clear.",
        "Cracked a rib slipping on ice; X-ray, painkillers and a follow-up.",
        "Cellulitis in my leg after a scratch got infected; IV antibiotics as a day patient.",
        "Ear infection that perforated my eardrum; specialist appointment and a hearing test.",
        "Crushed my toe dropping a paving slab on it; X-ray and the nail removed.",
        "Fainted at work and hit my head: checked at hospital, ECG and bloods, stitches above "
        "the eye.",
    ],
    "travel": [
        "Airline lost my checked bag on the way to Porto and it turned up 5 days later. Bought "
        "clothes and toiletries meanwhile, receipts attached.",
        "Outbound flight cancelled because of a crew strike; we had to book another airline "
        "the next morning plus a hotel night.",
        "Caught a bad chest infection in Crete; saw a local doctor twice and bought antibiotics.",
        "Ferry cancelled due to storms so we missed the first two nights of the prepaid cottage.",
        "Twisted my ankle on holiday in Madeira: clinic visit, X-ray and crutches.",
        "Our connecting flight was delayed 9 hours and we missed the tour we had paid for.",
        "The hotel we booked went bust the week before we travelled; had to book another at "
        "short notice.",
        "Suitcase came off the carousel with the shell smashed and the handle ripped off. "
        "Bought a new one.",
        "Food poisoning in Marrakech, two days in a private clinic on a drip.",
        "Volcanic ash closed the airport, stuck in Sicily for 3 extra nights: hotel and meals.",
        "A rail strike meant missing our Eurostar connection; rebooked at a higher fare.",
        "Got a nasty ear infection after diving in Egypt, ENT doctor and medication.",
        "My mum was taken into hospital back home, so we cut the holiday short and flew back "
        "early; extra flights.",
        "Airline damaged my folding bike in the hold, frame bent, repaired at a bike shop.",
        "Hurricane warning: the resort was evacuated and we had to move inland for 2 nights.",
        "Broke a tooth on an olive stone in Greece; emergency dentist there.",
        "Bag delayed four days on the flight to Boston; bought work clothes for a conference.",
        "Slipped by the pool in Lanzarote and needed stitches in my elbow; clinic bill attached.",
        "Flight diverted because of fog; coach transfer and a taxi to get to our hotel.",
        "Caught covid mid-trip and had to isolate at the hotel for five extra nights under the "
        "local rules.",
        "kid got an ear infection on day 2 in Spain, pharmacy + clinic visit",
        "Our cruise ship skipped two ports after an engine fault; the excursions we prepaid "
        "were lost.",
        "Sprained my wrist falling on a trail in the Dolomites; clinic and a splint.",
        "Missed the flight home because the motorway was closed after an accident; new tickets.",
        "Heavy snow cancelled our flights out of Innsbruck for two days.",
        "Heat exhaustion on a desert tour, put on a drip at a clinic in Luxor.",
        "Luggage left out on the tarmac in the rain; clothes and a camera soaked and ruined.",
        "Wife broke her leg on the ski slope: helicopter down the mountain and surgery at the "
        "local hospital.",
        "The holiday apartment had a burst pipe the night we arrived; moved to a hotel for the "
        "week.",
        "Delayed 26 hours on the return flight: meals and a hotel night the airline did not cover.",
        "Stung by a jellyfish in Portugal, bad reaction, treated at the local health centre.",
        "The tour coach had a minor crash in Prague; my bruised ribs were checked at hospital.",
    ],
}
