"""R5: claims in six languages other than English, each text used once."""

from __future__ import annotations

# R5: claims in French, Spanish, German, Portuguese, Italian and Dutch, each text used once:
# (language, claim type, what the rubric says of it, text). The rubric's categories: ordinary,
# theft (no crime reference), cash (no paperwork), pre_existing, intentional.
NON_ENGLISH: list[tuple[str, str, str, str]] = [
    (
        "fr",
        "home",
        "ordinary",
        "Une canalisation a éclaté dans la salle de bain et l'eau a "
        "traversé le plafond de la cuisine; plombier et peintre sont intervenus.",
    ),
    (
        "fr",
        "auto",
        "ordinary",
        "Un camion a reculé dans ma voiture sur le parking du "
        "supermarché; pare-chocs arrière remplacé au garage.",
    ),
    (
        "fr",
        "health",
        "ordinary",
        "Je me suis cassé le poignet en glissant sur le verglas: urgences, radio et plâtre.",
    ),
    (
        "fr",
        "travel",
        "ordinary",
        "La compagnie aérienne a perdu ma valise pendant quatre jours; "
        "j'ai acheté des vêtements et des affaires de toilette.",
    ),
    (
        "fr",
        "home",
        "theft",
        "Des cambrioleurs sont entrés par la fenêtre et ont pris "
        "l'ordinateur et des bijoux; je n'ai pas encore porté plainte.",
    ),
    (
        "fr",
        "auto",
        "cash",
        "Le garagiste ne prenait que des espèces, donc je n'ai pas de "
        "facture pour la réparation de la portière.",
    ),
    (
        "fr",
        "home",
        "intentional",
        "Mon fils a cassé la vitre du salon exprès en lançant une chaise pendant une dispute.",
    ),
    (
        "es",
        "home",
        "ordinary",
        "Se rompió la manguera de la lavadora y se inundó el cuarto de "
        "la colada; cambiamos el suelo.",
    ),
    (
        "es",
        "auto",
        "ordinary",
        "Un granizo fuerte abolló el techo y el capó del coche mientras "
        "estaba aparcado en la calle.",
    ),
    (
        "es",
        "health",
        "ordinary",
        "Me torcí la rodilla jugando al pádel; resonancia y seis sesiones de fisioterapia.",
    ),
    (
        "es",
        "travel",
        "ordinary",
        "Cancelaron nuestro vuelo por una huelga y tuvimos que pagar un hotel y un billete nuevo.",
    ),
    (
        "es",
        "travel",
        "theft",
        "Me quitaron la cartera en el metro de Madrid con las tarjetas y "
        "el efectivo; no fui a la policía.",
    ),
    (
        "es",
        "home",
        "pre_existing",
        "La humedad de la pared ya estaba cuando compramos la casa hace años; ahora ha empeorado.",
    ),
    ("es", "auto", "cash", "Pagué en efectivo al mecánico por el embrague y no me dio factura."),
    (
        "de",
        "home",
        "ordinary",
        "Ein Sturm hat mehrere Dachziegel gelöst, Regen ist in den "
        "Dachboden eingedrungen; der Dachdecker hat repariert.",
    ),
    (
        "de",
        "auto",
        "ordinary",
        "Beim Ausparken habe ich einen Poller übersehen, Stoßstange und Rücklicht sind kaputt.",
    ),
    (
        "de",
        "health",
        "ordinary",
        "Beim Fahrradsturz habe ich mir das Schlüsselbein gebrochen; "
        "Notaufnahme und Nachuntersuchungen.",
    ),
    (
        "de",
        "travel",
        "ordinary",
        "Unser Anschlussflug in Frankfurt fiel aus, wir mussten ein "
        "Hotel nehmen und einen neuen Flug buchen.",
    ),
    (
        "de",
        "auto",
        "theft",
        "Über Nacht wurde der Katalysator von meinem Auto abgesägt; eine "
        "Anzeige habe ich nicht gemacht.",
    ),
    (
        "de",
        "home",
        "intentional",
        "Ich habe die Haustür absichtlich eingetreten, weil ich meinen Schlüssel verloren hatte.",
    ),
    (
        "de",
        "health",
        "pre_existing",
        "Meine Rückenprobleme habe ich schon seit Jahren, jetzt "
        "brauchte ich wieder Physiotherapie.",
    ),
    (
        "pt",
        "home",
        "ordinary",
        "Um cano rebentou na casa de banho e a água danificou o teto da "
        "sala; canalizador e pintor.",
    ),
    (
        "pt",
        "auto",
        "ordinary",
        "Bateram na traseira do meu carro num semáforo; o outro condutor assumiu a culpa.",
    ),
    (
        "pt",
        "health",
        "ordinary",
        "Caí das escadas e parti o tornozelo; urgência, raio-X e bota ortopédica.",
    ),
    (
        "pt",
        "travel",
        "ordinary",
        "A bagagem chegou a Lisboa com a mala partida e a roupa estragada.",
    ),
    (
        "pt",
        "home",
        "theft",
        "Levaram a bicicleta e as ferramentas da garagem durante a noite; "
        "não fiz queixa na polícia.",
    ),
    (
        "pt",
        "auto",
        "cash",
        "A oficina só aceitava dinheiro, por isso não tenho fatura do conserto.",
    ),
    (
        "pt",
        "health",
        "pre_existing",
        "O problema no joelho vem de uma lesão antiga, antes do seguro, e voltou a piorar.",
    ),
    (
        "it",
        "home",
        "ordinary",
        "Un temporale ha fatto cadere un albero sul tetto del garage; "
        "è intervenuto il carpentiere.",
    ),
    (
        "it",
        "auto",
        "ordinary",
        "Ho urtato un cinghiale di notte sulla statale: danneggiati paraurti e faro anteriore.",
    ),
    (
        "it",
        "health",
        "ordinary",
        "Mi sono slogato la spalla sciando; pronto soccorso e poi fisioterapia.",
    ),
    (
        "it",
        "travel",
        "ordinary",
        "Il traghetto per la Sardegna è stato cancellato per "
        "maltempo, abbiamo perso due notti di hotel prepagate.",
    ),
    (
        "it",
        "travel",
        "theft",
        "Mi hanno portato via lo zaino con la macchina fotografica in "
        "spiaggia; non ho fatto denuncia.",
    ),
    (
        "it",
        "home",
        "cash",
        "Ho pagato l'idraulico in contanti e non mi ha rilasciato nessuna ricevuta.",
    ),
    ("it", "auto", "intentional", "Ho rigato apposta la macchina di mio marito durante una lite."),
    (
        "nl",
        "home",
        "ordinary",
        "Door een lekkende wasmachine is de vloer in de bijkeuken "
        "kromgetrokken; er is een nieuwe vloer gelegd.",
    ),
    (
        "nl",
        "auto",
        "ordinary",
        "Een steen tegen de voorruit op de snelweg; de ruit is vervangen door een ruitenbedrijf.",
    ),
    (
        "nl",
        "health",
        "ordinary",
        "Ik ben van de fiets gevallen en heb mijn pols gebroken; spoedeisende hulp en gips.",
    ),
    (
        "nl",
        "travel",
        "ordinary",
        "Onze vlucht naar Malaga werd geannuleerd door een staking; "
        "extra hotelnacht en een nieuw ticket.",
    ),
    (
        "nl",
        "auto",
        "theft",
        "Mijn auto is vannacht voor de deur weggehaald; ik heb nog geen aangifte gedaan.",
    ),
    (
        "nl",
        "home",
        "pre_existing",
        "De scheur in de muur zat er al toen we het huis kochten, maar is nu groter geworden.",
    ),
    (
        "nl",
        "health",
        "cash",
        "De tandarts in het buitenland wilde contant geld en gaf geen bonnetje.",
    ),
]
