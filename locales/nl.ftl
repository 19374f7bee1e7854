# placematch: Nederlands. Elke id bestaat ook in fr.ftl, de.ftl en en.ftl, met dezelfde
# variabelen (tests/locales.rs controleert dat). Getallen en datums komen al op zijn Nederlands
# geschreven binnen.

## Uitleg: waarom een vacature is uitgesloten

exclusion-programme = Deze vacature staat niet open voor mensen van het programma { $programme }.
exclusion-kind-not-allowed = Een betrekking { $kind } staat niet open voor mensen van het programma { $programme }.
exclusion-too-far = De reis duurt ongeveer { $minutes } min, langer dan de { $limit } min die de persoon aanvaardt.
exclusion-language-below = Er is { $language } op niveau { $needed } nodig; de persoon heeft { $has }.
exclusion-language-missing = Er is { $language } op niveau { $needed } nodig; de persoon spreekt die taal niet.
exclusion-required-skill = De vaardigheid "{ $skill }" is vereist, en de persoon heeft die niet.
exclusion-too-many-hours = Er zijn { $needed } uur per week nodig; de persoon kan { $available } uur werken.
exclusion-ends-before-start = De vacature eindigt op { $end }, voordat de persoon kan beginnen ({ $earliest }).
exclusion-health = De betrekking vraagt { $demand }, wat de gezondheid van de persoon uitsluit.
exclusion-refused-sector = De persoon weigert de sector { $sector }.
exclusion-no-seat-left = Alle plaatsen zijn bezet.
exclusion-host-intake-cap = De organisatie heeft deze maand al { $cap } nieuwe mensen opgenomen, haar maximum.

## Uitleg: de punten van een criterium

criterion-skills-none-asked = De vacature vraagt geen bijzondere vaardigheid.
criterion-skills = De vaardigheden van de persoon dekken { $percent }% van wat de vacature vraagt.
criterion-language-none-asked = Er is geen taalniveau vereist: open voor iedereen.
criterion-language = { $margin ->
    [0] De persoon heeft precies het vereiste taalniveau.
    [one] De persoon zit { $margin } ERK-niveau boven het vereiste taalniveau.
   *[other] De persoon zit { $margin } ERK-niveaus boven het vereiste taalniveau.
}
criterion-travel = Ongeveer { $minutes } min { $mobility } (de persoon aanvaardt tot { $limit } min).
criterion-hours = { $asked } uur per week van de { $available } uur die de persoon kan werken.
criterion-waiting = { $days ->
    [one] Wacht sinds { $days } dag (alle punten vanaf { $full_from } dagen).
   *[other] Wacht sinds { $days } dagen (alle punten vanaf { $full_from } dagen).
}

## Herverdeling: waarom een voorstel verschuift, wordt ingetrokken, of iemand zonder blijft

moved-current-no-longer-fits = de huidige vacature voldoet niet meer aan de regels
moved-seat-needed = zelfde score; de plaats gaat naar iemand bij wie ze beter past
moved-gains = punten per criterium, nieuw min huidig: { $gains }
withdrawn-no-longer-fits = de vacature voldoet niet meer aan de regels (gesloten, gepauzeerd, of het dossier is veranderd)
withdrawn-seat-needed = de plaats ging naar mensen bij wie ze beter past, en geen andere vacature is beter dan intrekken
withdrawn-by-run = ingetrokken door herverdeling { $run }: { $why }
unassigned-nothing-within-reach = Geen enkele vacature ligt binnen de reistijd die de persoon aanvaardt.
unassigned-no-eligible-opening = { $nearest ->
    [0] Geen vacature binnen bereik voldoet aan de regels; meestal: { $rules }.
   *[other] Geen vacature binnen bereik voldoet aan de regels; meestal, bij de { $nearest } dichtstbijzijnde: { $rules }.
}
unassigned-out-competed = De beste vacature ging naar iemand die beter past: het criterium { $criterion } besliste ({ $margin } punten voor die persoon).
unassigned-no-seat-left = De mogelijke vacatures hebben geen plaats meer voor een nieuwe persoon (plaatsen of het maandmaximum van de organisatie).
gain = { $criterion } { $delta }
rule-count = { $count ->
    [one] { $rule } (1 vacature)
   *[other] { $rule } ({ $count } vacatures)
}

## Namen van de waarden van de dienst

criterion-name-skills = vaardigheden
criterion-name-language = taal
criterion-name-travel = reistijd
criterion-name-hours = uren
criterion-name-waiting = wachttijd
programme-revis = REVIS
programme-cpas_ris = leefloon (OCMW)
programme-rsa = RSA
kind-public_utility_work = gemeenschapsdienst
kind-article_60 = artikel 60
kind-article_61 = artikel 61
kind-immersion = inloopstage
mobility-walk = te voet
mobility-bike = met de fiets
mobility-public_transport = met het openbaar vervoer
mobility-car = met de auto
demand-heavy_lifting = zwaar tillen
demand-standing_all_day = de hele dag staan
demand-outdoor_work = buitenwerk
demand-night_work = nachtwerk
demand-driving = rijden
demand-work_at_height = werken op hoogte
demand-repetitive_motion = repetitieve bewegingen
language-fr = Frans
language-nl = Nederlands
language-de = Duits
language-en = Engels
language-lb = Luxemburgs
language-ar = Arabisch
language-pt = Portugees
language-it = Italiaans
language-es = Spaans
language-tr = Turks
rule-programme = programma
rule-kind_not_allowed = soort betrekking
rule-travel_time = reis te lang
rule-language_level = taalniveau
rule-required_skill = vereiste vaardigheid
rule-hours = uren
rule-dates = data
rule-health = gezondheid
rule-refused_sector = geweigerde sector
rule-no_seat_left = geen plaats meer
rule-host_intake_cap = maandmaximum van de organisatie

## Veldcontrole (elke melding naast haar veld)

field-required = is verplicht
field-not-one-of = '{ $value }' is geen van: { $allowed }
field-not-a = '{ $given }' is geen { $expected }
field-too-long = hoogstens { $max } tekens
field-length-range = { $min } tot { $max } tekens
field-empty = mag niet leeg zijn
field-listed-twice = '{ $given }' staat er twee keer
field-hours-range = moet meer dan 0 en hoogstens 60 zijn; ontvangen { $given }
field-not-a-date = '{ $given }' is geen datum: schrijf JJJJ-MM-DD of DD/MM/JJJJ
field-date-required = is verplicht (JJJJ-MM-DD)
list-too-long = hoogstens { $max } elementen, niet { $len }
skill-code-invalid = een ROME- of ESCO-code: letters, cijfers, '.' of '-', hoogstens 40
location-required = is verplicht: lon en lat, of een postcode en/of plaats met een land
location-both-given = geef lon en lat of een plaatsnaam (postcode, plaats), niet beide
location-lat-required = is verplicht samen met lon
location-lon-required = is verplicht samen met lat
location-country-required = is verplicht bij een postcode of plaats: LU, BE of FR
expected-CefrLevel = ERK-niveau (A1, A2, B1, B2, C1 of C2)
expected-Language = taal (fr, nl, de of en)
expected-Mobility = vervoerswijze (walk, bike, public_transport of car)
expected-Programme = programma (revis, cpas_ris of rsa)
expected-OpeningKind = soort vacature (public_utility_work, article_60, article_61 of immersion)
expected-PhysicalDemand = fysieke belasting (heavy_lifting, standing_all_day, outdoor_work, night_work, driving, work_at_height of repetitive_motion)
expected-PlacementState = plaatsingsstatus (proposed, accepted, confirmed, active, ended, declined of expired)
expected-Move = overgang (accept, confirm, start, end of decline)
expected-Country = land (LU, BE of FR)
expected-LanguageCode = bekende ISO 639-1-taalcode (bv. fr, lb, de, nl, en)
expected-Sector = sectornaam (1 tot 60 letters, cijfers, spaties, - _ & ' /)
placement-reason-not-taken = alleen een weigering of een einde krijgt een reden
placement-outcome-not-taken = alleen een einde krijgt een uitkomst
placement-decline-needs-reason = een weigering vraagt een reden
placement-end-needs-outcome = een einde vraagt een uitkomst: completed, job_found, training, dropped_out, health, moved_away of other
field-missing-field = het veld '{ $name }' is verplicht
field-unknown-field = er is hier geen veld '{ $name }' (bekende velden: { $allowed })
field-wrong-type = heeft het verkeerde type: { $found }, verwacht { $expected }
field-invalid = is niet geldig: { $detail }
field-control-character = bevat het stuurteken { $code }
field-longitude-range = de lengtegraad moet tussen -180 en 180 liggen; ontvangen { $given }
field-latitude-range = de breedtegraad moet tussen -90 en 90 liggen; ontvangen { $given }
field-not-negative = moet 0 of meer zijn; ontvangen { $given }
field-in-future = ligt in de toekomst
field-minutes-range = 1 tot { $max } minuten; ontvangen { $given }
opening-programme-required = noem minstens één programma: revis, cpas_ris of rsa
opening-ends-before-start = eindigt op { $end }, vóór de begindatum { $start }
field-between = moet tussen { $min } en { $max } liggen; ontvangen { $given }
field-required-for-admin = verplicht voor een beheerder
field-radius-range = moet meer dan 0 en hoogstens 200 zijn
field-radius-together = lon, lat en radius_km horen samen
field-bad-cursor = geen cursor die deze lijst heeft teruggegeven
opening-cannot-move = een vacature kan niet naar een andere organisatie
beneficiary-cannot-move = een dossier kan hier niet naar een ander kantoor
import-file-required = is verplicht: het multipart-formulier heeft geen veld met de naam file
override-not-allowed = { $rule } ({ $code }); geen enkele reden kan deze regel opzijzetten
override-reason-needed = { $rule } ({ $code }); geef een reden om toch voor te stellen
override-nothing-to-set-aside = de persoon voldoet aan elke regel van deze vacature: er is niets opzij te zetten

## Plaatsen (postcodes en plaatsnamen)

place-unknown-country = onbekend land '{ $given }': gebruik LU, BE of FR
place-nothing-given = geen plaats opgegeven: geef een postcode, een plaats of beide
place-locality-required = de postcodes van { $country } staan niet in het register: geef in de plaats de plaatsnaam (stad of dorp)
place-unknown-postcode = postcode { $postcode } is onbekend in { $country }{ $did_you_mean }
place-unknown-locality = plaats '{ $locality }' is onbekend in { $country }{ $did_you_mean }
place-ambiguous-give-locality = '{ $given }' in { $country } is dubbelzinnig: het kan { $candidates } zijn; geef de plaats
place-ambiguous-give-postcode = '{ $given }' in { $country } is dubbelzinnig: het kan { $candidates } zijn; geef de postcode
place-postcode-locality-mismatch = postcode { $postcode } in { $country } is bekend, maar niet met plaats '{ $locality }' ({ $postcode } is { $known }){ $did_you_mean }
place-no-suggestion = {""}
place-did-you-mean = ; bedoelde u: { $names }?
place-candidates = { $more ->
    [0] { $names }
   *[other] { $names } en { $more } andere
}

## Gebruikers en wachtwoorden

field-not-an-email = moet een e-mailadres zijn
field-no-such-office = dit kantoor bestaat niet
field-no-such-organisation = deze organisatie bestaat niet
password-too-short = moet minstens { $min } tekens lang zijn
password-too-common = komt te vaak voor: kies een langere zin van uzelf
user-caseworker-needs-office = een maatschappelijk werker hoort bij een kantoor
user-host-needs-organisation = een gastorganisatie-medewerker hoort bij een organisatie
user-office-only-for-caseworker = alleen een maatschappelijk werker hoort bij een kantoor
user-organisation-only-for-host = alleen een gastorganisatie-medewerker hoort bij een organisatie
user-email-taken = er bestaat al een gebruiker met dit e-mailadres

## Bestanden (CSV-import en -export)

row-error-line = regel { $line }: { $message }
row-error-cell = regel { $line }, kolom { $column }: { $message }
row-item = element { $item }: { $message }
row-duplicate-reference = '{ $reference }' staat al op regel { $first }: elke referentie één keer per bestand
row-reference-required = is verplicht bij een import: opnieuw importeren werkt de regel met dezelfde referentie bij
column-required-missing = verplichte kolom ontbreekt
column-location-required = een plaats is verplicht: kolommen lon en lat, of postcode en/of locality (met country)
cell-not-a-number = '{ $given }' is geen getal
cell-not-a-whole-number = '{ $given }' is geen geheel getal
cell-not-a-language-level = '{ $given }' is geen taal:niveau, bv. fr:B1
cell-not-an-id = '{ $given }' is geen id (UUID)
import-office-for-beneficiaries-only = een kantoor geldt alleen voor begunstigden, niet voor { $kind }
export-no-geojson-for-beneficiaries = begunstigden hebben geen GeoJSON-export: een kaart van waar mensen wonen is een persoonsgegeven; gebruik csv of json
import-no-office = geen kantoor: voeg een kolom office_id toe of kies het kantoor (--office, office_id)
import-other-office = noemt kantoor { $named }, maar het bestand wordt geïmporteerd in kantoor { $chosen }
cell-no-such-office = geen kantoor met id { $id }
column-organisation-required = verplichte kolom ontbreekt (of organisation_id)
cell-no-organisation-with-ref = geen organisatie met referentie '{ $reference }' (importeer eerst de organisaties)
cell-no-such-organisation = geen organisatie met id { $id }
cell-organisation-mismatch = is niet de organisatie die organisation_ref noemt
cell-organisation-required = is verplicht (of organisation_id)
file-utf16 = het bestand is UTF-16: sla het op als CSV UTF-8 (gescheiden door komma of puntkomma)
file-empty = het bestand is leeg: een kopregel wordt verwacht
file-unreadable-csv = onleesbare CSV: { $detail }
column-twice = staat twee keer in de kopregel
column-unknown-did-you-mean = onbekende kolom; bedoelde u { $name }?
column-unknown = onbekende kolom; de kolommen zijn: { $known }
cell-not-utf8 = is geen UTF-8-tekst: sla het bestand op als CSV UTF-8
row-too-many-fields = de regel heeft { $fields } velden maar de kopregel { $width }: een scheidingsteken te veel, of een veld dat aanhalingstekens nodig heeft

## Problemen (titel en detail van een foutantwoord)

problem-validation = het verzoek is niet geldig
problem-invalid-file = { $count ->
    [one] het bestand is niet geïmporteerd: 1 probleem, er is niets geschreven
   *[other] het bestand is niet geïmporteerd: { $count } problemen, er is niets geschreven
}
problem-invalid-file-detail = elke foute regel staat in de lijst; verbeter ze en stuur het hele bestand opnieuw
problem-unauthorized = ontbrekende of ongeldige inloggegevens
problem-forbidden = deze rol mag dat niet
problem-csrf = een verzoek met een sessiecookie moet het CSRF-token van de sessie meesturen
problem-not-found = { $what } niet gevonden
problem-not-found-detail = geen { $what } met deze id is voor u zichtbaar
problem-payload-too-large = de inhoud van het verzoek is groter dan de limiet
problem-unsupported-media-type = verwacht Content-Type: { $expected }
problem-unavailable = de databank is niet beschikbaar
problem-timeout = de berekening duurde langer dan haar tijdslimiet
problem-busy = te veel verzoeken van deze soort tegelijk; probeer het zo meteen opnieuw
problem-too-many-requests = hoogstens { $limit } { $what } per uur voor dit token; probeer opnieuw over { $retry_after } s
problem-internal = interne fout
problem-body-unreadable = de inhoud van het verzoek kon niet gelezen worden
problem-malformed-json = ongeldige JSON: { $detail }
problem-malformed-multipart = ongeldig multipart-formulier
problem-no-such-endpoint = dit adres bestaat niet
conflict-stored-data = dit botst met al opgeslagen gegevens (een dubbele referentie, of een persoon die al een lopende plaatsing heeft)
conflict-wrong-state = niet toegestaan: de plaatsing is { $state }
conflict-no-seat-left = de vacature heeft geen vrije plaats of is niet open
conflict-run-in-progress = er loopt al een herverdeling van dit kantoor
conflict-stale-report = de gegevens zijn veranderd sinds dit verslag berekend werd; start opnieuw
conflict-already-applied = deze herverdeling is al toegepast
field-hours-over-cap = hoogstens { $max_total } uur kan tot nu toe op deze plaatsing gewerkt zijn (de wekelijkse uren maal de weken sinds de start), en er zijn er al { $worked } geregistreerd
thing-office = kantoor
thing-organisation = organisatie
thing-opening = vacature
thing-beneficiary = begunstigde
thing-placement = plaatsing
thing-transition = overgang
thing-user = gebruiker
thing-rebalancing_run = herverdeling
thing-object = object
thing-endpoint = adres
throttled-candidate_lists_read = gelezen kandidatenlijsten
throttled-opening_changes = wijzigingen van vacatures
state-proposed = voorgesteld
state-accepted = aanvaard
state-confirmed = bevestigd
state-active = lopend
state-ended = beëindigd
state-declined = geweigerd
state-expired = verlopen

## Aanmeldpagina's

sign-in-title = Aanmelden
sign-in-email = E-mailadres
sign-in-password = Wachtwoord
sign-in-unreadable = Het formulier kon niet gelezen worden; probeer het opnieuw.
sign-in-expired-form = Dit aanmeldformulier is verlopen of komt niet van deze site; meld u opnieuw aan.
sign-in-refused = Het e-mailadres of het wachtwoord klopt niet.
sign-in-wait = { $minutes ->
    [one] Te veel pogingen. Probeer het over 1 minuut opnieuw.
   *[other] Te veel pogingen. Probeer het over { $minutes } minuten opnieuw.
}
sign-in-with = Aanmelden met { $provider }
oidc-default-provider = de account van uw organisatie
sign-out = Afmelden
home-title = Start
home-signed-in-as = Aangemeld als { $name } ({ $role }).
role-admin = beheerder
role-caseworker = maatschappelijk werker
role-host = gastorganisatie
role-scheduler = planner

## Opdrachtregel

import-rejected = { $name } is niet geïmporteerd: { $problems } probleem/problemen op { $lines } regel(s); er is niets geschreven

## Referenten (wie een persoon begeleidt)

referent-not-of-office = is geen maatschappelijk werker van het kantoor van deze persoon: alleen zo iemand kan de referent zijn
referent-disabled = is een uitgeschakelde gebruiker: een uitgeschakelde gebruiker kan geen referent worden
referent-unknown-email = geen maatschappelijk werker van dit kantoor heeft het e-mailadres '{ $email }'
referent-me-needs-a-user = 'me' vraagt een aangemelde gebruiker, en dit verzoek kwam met een token: geef in de plaats de id van de gebruiker
referent-filter-invalid = '{ $given }' is geen van: me, none, of de id van een gebruiker (UUID)

## Aanmelden via de identiteitsprovider van de organisatie

oidc-unavailable = { $provider } is nu niet bereikbaar. Probeer het later opnieuw, of meld u aan met uw wachtwoord.
oidc-denied = Aanmelden met { $provider } is geannuleerd of geweigerd.
oidc-bad-state = Deze aanmelding is verlopen of is hier niet begonnen; meld u opnieuw aan.
oidc-invalid-token = { $provider } heeft de aanmelding niet bevestigd; probeer het opnieuw.
oidc-no-email = { $provider } heeft uw e-mailadres niet doorgegeven, en placematch heeft het nodig om u te vinden.
oidc-unverified-email = { $provider } heeft uw e-mailadres niet geverifieerd. Verifieer het daar en meld u daarna opnieuw aan.
oidc-no-user = Uw { $provider }-account is niet gekoppeld aan een actieve placematch-gebruiker. Vraag uw beheerder u toe te voegen met dit e-mailadres.
cli-user-created = gebruiker { $email } ({ $role }) aangemaakt
cli-user-disabled = gebruiker { $email } uitgeschakeld; de sessies zijn beëindigd
cli-password-set = wachtwoord van { $email } ingesteld; de sessies zijn beëindigd
cli-no-user = geen gebruiker met e-mailadres { $email }
cli-import-done = { $name } geïmporteerd: { $rows } { $kind }, { $created } aangemaakt, { $updated } bijgewerkt, { $unchanged } ongewijzigd ({ $seconds } s)
cli-import-checked = { $name } gecontroleerd: { $rows } { $kind }, { $created } aangemaakt, { $updated } bijgewerkt, { $unchanged } ongewijzigd ({ $seconds } s); proefrun: er is niets geschreven
cli-demo-loaded = placematch-demo: { $office } ({ $people } personen, { $openings } vacatures, { $organisations } organisaties); de herverdeling stelde { $proposed } plaatsingen voor (optimum bewezen: { $certified })
cli-yes = ja
cli-no = nee
cli-demo-api-docs = API-documentatie
cli-demo-admin-token = beheerderstoken
cli-demo-caseworker-token = token maatschappelijk werker
cli-demo-sign-in-as = meld u aan op { $url } als:
cli-demo-try = Probeer:
role = { $role }
