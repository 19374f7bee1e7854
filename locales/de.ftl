# placematch: Deutsch. Jede ID gibt es auch in fr.ftl, nl.ftl und en.ftl, mit denselben
# Variablen (tests/locales.rs prüft das). Zahlen und Daten kommen schon auf Deutsch geschrieben.

## Erklärungen: warum eine Stelle ausgeschlossen ist

exclusion-programme = Diese Stelle nimmt keine Personen des Programms { $programme } auf.
exclusion-kind-not-allowed = Eine Stelle nach { $kind } steht Personen des Programms { $programme } nicht offen.
exclusion-too-far = Der Weg dauert etwa { $minutes } Min., länger als die { $limit } Min., die die Person akzeptiert.
exclusion-language-below = Verlangt ist { $language } auf Niveau { $needed }; die Person hat { $has }.
exclusion-language-missing = Verlangt ist { $language } auf Niveau { $needed }; die Person spricht diese Sprache nicht.
exclusion-required-skill = Die Fähigkeit „{ $skill }“ ist verlangt, die die Person nicht hat.
exclusion-too-many-hours = Verlangt sind { $needed } Std. pro Woche; die Person kann { $available } Std. arbeiten.
exclusion-ends-before-start = Die Stelle endet am { $end }, bevor die Person beginnen kann ({ $earliest }).
exclusion-health = Die Stelle verlangt { $demand }, was die Gesundheit der Person ausschließt.
exclusion-refused-sector = Die Person lehnt den Bereich { $sector } ab.
exclusion-no-seat-left = Alle Plätze sind besetzt.
exclusion-host-intake-cap = Die Organisation hat diesen Monat schon { $cap } neue Personen aufgenommen, ihre Obergrenze.

## Erklärungen: die Punkte eines Kriteriums

criterion-skills-none-asked = Die Stelle verlangt keine besondere Fähigkeit.
criterion-skills = Die Fähigkeiten der Person decken { $percent } % dessen, was die Stelle verlangt.
criterion-language-none-asked = Kein Sprachniveau verlangt: offen für alle.
criterion-language = { $margin ->
    [0] Die Person hat genau das verlangte Sprachniveau.
    [one] Die Person liegt { $margin } GER-Niveau über dem verlangten Sprachniveau.
   *[other] Die Person liegt { $margin } GER-Niveaus über dem verlangten Sprachniveau.
}
criterion-travel = Etwa { $minutes } Min. { $mobility } (die Person akzeptiert bis zu { $limit } Min.).
criterion-hours = { $asked } Std. pro Woche von den { $available } Std., die die Person arbeiten kann.
criterion-waiting = { $days ->
    [one] Wartet seit { $days } Tag (volle Punkte ab { $full_from } Tagen).
   *[other] Wartet seit { $days } Tagen (volle Punkte ab { $full_from } Tagen).
}

## Neuverteilung: warum ein Vorschlag wechselt, zurückgezogen wird, oder jemand ohne bleibt

moved-current-no-longer-fits = die aktuelle Stelle erfüllt die Regeln nicht mehr
moved-seat-needed = gleiche Punktzahl; der Platz geht an jemanden, zu dem er besser passt
moved-gains = Punkte je Kriterium, neu minus aktuell: { $gains }
withdrawn-no-longer-fits = die Stelle erfüllt die Regeln nicht mehr (geschlossen, pausiert, oder die Akte hat sich geändert)
withdrawn-seat-needed = der Platz ging an Personen, zu denen er besser passt, und keine andere Stelle ist besser als das Zurückziehen
withdrawn-by-run = zurückgezogen durch die Neuverteilung { $run }: { $why }
unassigned-nothing-within-reach = Keine Stelle liegt innerhalb der Wegzeit, die die Person akzeptiert.
unassigned-no-eligible-opening = { $nearest ->
    [0] Keine erreichbare Stelle erfüllt die Regeln; am häufigsten: { $rules }.
   *[other] Keine erreichbare Stelle erfüllt die Regeln; am häufigsten, unter den { $nearest } nächsten: { $rules }.
}
unassigned-out-competed = Die beste Stelle ging an jemanden, der besser passt: das Kriterium { $criterion } entschied ({ $margin } Punkte für diese Person).
unassigned-no-seat-left = Die möglichen Stellen haben keinen Platz mehr für eine neue Person (Plätze oder Monatsgrenze der Organisation).
gain = { $criterion } { $delta }
rule-count = { $count ->
    [one] { $rule } (1 Stelle)
   *[other] { $rule } ({ $count } Stellen)
}

## Namen der Werte des Dienstes

criterion-name-skills = Fähigkeiten
criterion-name-language = Sprache
criterion-name-travel = Wegzeit
criterion-name-hours = Stunden
criterion-name-waiting = Wartezeit
programme-revis = REVIS
programme-cpas_ris = Eingliederungseinkommen (ÖSHZ)
programme-rsa = RSA
kind-public_utility_work = gemeinnützige Arbeit
kind-article_60 = Artikel 60
kind-article_61 = Artikel 61
kind-immersion = Schnupperpraktikum
mobility-walk = zu Fuß
mobility-bike = mit dem Fahrrad
mobility-public_transport = mit öffentlichen Verkehrsmitteln
mobility-car = mit dem Auto
demand-heavy_lifting = schweres Heben
demand-standing_all_day = ganztägiges Stehen
demand-outdoor_work = Arbeit im Freien
demand-night_work = Nachtarbeit
demand-driving = Fahren
demand-work_at_height = Arbeit in der Höhe
demand-repetitive_motion = sich wiederholende Bewegungen
language-fr = Französisch
language-nl = Niederländisch
language-de = Deutsch
language-en = Englisch
language-lb = Luxemburgisch
language-ar = Arabisch
language-pt = Portugiesisch
language-it = Italienisch
language-es = Spanisch
language-tr = Türkisch
rule-programme = Programm
rule-kind_not_allowed = Art der Stelle
rule-travel_time = Weg zu lang
rule-language_level = Sprachniveau
rule-required_skill = verlangte Fähigkeit
rule-hours = Stunden
rule-dates = Daten
rule-health = Gesundheit
rule-refused_sector = abgelehnter Bereich
rule-no_seat_left = kein Platz mehr
rule-host_intake_cap = Monatsgrenze der Organisation

## Feldprüfung (jede Meldung neben ihrem Feld)

field-required = ist erforderlich
field-not-one-of = „{ $value }“ ist keiner der Werte: { $allowed }
field-not-a = „{ $given }“ ist kein(e) { $expected }
field-too-long = höchstens { $max } Zeichen
field-length-range = { $min } bis { $max } Zeichen
field-empty = darf nicht leer sein
field-listed-twice = „{ $given }“ steht zweimal da
field-hours-range = muss über 0 und höchstens 60 sein; erhalten { $given }
field-not-a-date = „{ $given }“ ist kein Datum: schreiben Sie JJJJ-MM-TT oder TT/MM/JJJJ
field-date-required = ist erforderlich (JJJJ-MM-TT)
list-too-long = höchstens { $max } Einträge, nicht { $len }
skill-code-invalid = ein ROME- oder ESCO-Code: Buchstaben, Ziffern, „.“ oder „-“, höchstens 40
location-required = ist erforderlich: lon und lat, oder eine Postleitzahl und/oder ein Ort mit einem Land
location-both-given = geben Sie entweder lon und lat oder einen Ortsnamen an (Postleitzahl, Ort), nicht beides
location-lat-required = ist mit lon erforderlich
location-lon-required = ist mit lat erforderlich
location-country-required = ist mit einer Postleitzahl oder einem Ort erforderlich: LU, BE oder FR
expected-CefrLevel = GER-Niveau (A1, A2, B1, B2, C1 oder C2)
expected-Language = Sprache (fr, nl, de oder en)
expected-Mobility = Verkehrsmittel (walk, bike, public_transport oder car)
expected-Programme = Programm (revis, cpas_ris oder rsa)
expected-OpeningKind = Stellenart (public_utility_work, article_60, article_61 oder immersion)
expected-PhysicalDemand = körperliche Anforderung (heavy_lifting, standing_all_day, outdoor_work, night_work, driving, work_at_height oder repetitive_motion)
expected-PlacementState = Vermittlungsstand (proposed, accepted, confirmed, active, ended, declined oder expired)
expected-Move = Übergang (accept, confirm, start, end oder decline)
expected-Country = Land (LU, BE oder FR)
expected-LanguageCode = bekannter ISO-639-1-Sprachcode (z. B. fr, lb, de, nl, en)
expected-Sector = Bereichsname (1 bis 60 Buchstaben, Ziffern, Leerzeichen, - _ & ' /)
placement-reason-not-taken = nur eine Absage oder ein Ende nimmt einen Grund
placement-outcome-not-taken = nur ein Ende nimmt ein Ergebnis
placement-decline-needs-reason = eine Absage braucht einen Grund
placement-end-needs-outcome = ein Ende braucht ein Ergebnis: completed, job_found, training, dropped_out, health, moved_away oder other
field-missing-field = das Feld „{ $name }“ ist erforderlich
field-unknown-field = hier gibt es kein Feld „{ $name }“ (bekannte Felder: { $allowed })
field-wrong-type = hat den falschen Typ: { $found }, erwartet { $expected }
field-invalid = ist ungültig: { $detail }
field-control-character = enthält das Steuerzeichen { $code }
field-longitude-range = der Längengrad muss zwischen -180 und 180 liegen; erhalten { $given }
field-latitude-range = der Breitengrad muss zwischen -90 und 90 liegen; erhalten { $given }
field-not-negative = muss 0 oder mehr sein; erhalten { $given }
field-in-future = liegt in der Zukunft
field-minutes-range = 1 bis { $max } Minuten; erhalten { $given }
opening-programme-required = nennen Sie mindestens ein Programm: revis, cpas_ris oder rsa
opening-ends-before-start = endet am { $end }, vor dem Beginn am { $start }
field-between = muss zwischen { $min } und { $max } liegen; erhalten { $given }
field-required-for-admin = für einen Administrator erforderlich
field-radius-range = muss über 0 und höchstens 200 sein
field-radius-together = lon, lat und radius_km gehören zusammen
field-bad-cursor = kein Cursor, den diese Liste geliefert hat
opening-cannot-move = eine Stelle kann nicht zu einer anderen Organisation wechseln
beneficiary-cannot-move = eine Akte kann hier nicht zu einem anderen Amt wechseln
import-file-required = ist erforderlich: das Multipart-Formular hat kein Feld namens file
override-not-allowed = { $rule } ({ $code }); kein Grund kann diese Regel aufheben
override-reason-needed = { $rule } ({ $code }); geben Sie einen Grund an, um trotzdem vorzuschlagen
override-nothing-to-set-aside = die Person erfüllt jede Regel dieser Stelle: es gibt nichts aufzuheben

## Orte (Postleitzahlen und Ortsnamen)

place-unknown-country = unbekanntes Land „{ $given }“: verwenden Sie LU, BE oder FR
place-nothing-given = kein Ort angegeben: geben Sie eine Postleitzahl, einen Ort oder beides an
place-locality-required = die Postleitzahlen von { $country } sind nicht im Verzeichnis: geben Sie stattdessen den Ort an (Stadt oder Dorf)
place-unknown-postcode = die Postleitzahl { $postcode } ist in { $country } unbekannt{ $did_you_mean }
place-unknown-locality = der Ort „{ $locality }“ ist in { $country } unbekannt{ $did_you_mean }
place-ambiguous-give-locality = „{ $given }“ in { $country } ist mehrdeutig: es kann { $candidates } sein; geben Sie den Ort an
place-ambiguous-give-postcode = „{ $given }“ in { $country } ist mehrdeutig: es kann { $candidates } sein; geben Sie die Postleitzahl an
place-postcode-locality-mismatch = die Postleitzahl { $postcode } in { $country } ist bekannt, aber nicht mit dem Ort „{ $locality }“ ({ $postcode } ist { $known }){ $did_you_mean }
place-no-suggestion = {""}
place-did-you-mean = ; meinten Sie: { $names }?
place-candidates = { $more ->
    [0] { $names }
   *[other] { $names } und { $more } weitere
}

## Benutzer und Passwörter

field-not-an-email = muss eine E-Mail-Adresse sein
field-no-such-office = dieses Amt gibt es nicht
field-no-such-organisation = diese Organisation gibt es nicht
password-too-short = muss mindestens { $min } Zeichen lang sein
password-too-common = ist zu verbreitet: wählen Sie einen längeren eigenen Satz
user-caseworker-needs-office = eine Fachkraft gehört zu einem Amt
user-host-needs-organisation = ein Gastgeber gehört zu einer Organisation
user-office-only-for-caseworker = nur eine Fachkraft gehört zu einem Amt
user-organisation-only-for-host = nur ein Gastgeber gehört zu einer Organisation
user-email-taken = es gibt schon einen Benutzer mit dieser E-Mail-Adresse

## Dateien (CSV-Import und -Export)

row-error-line = Zeile { $line }: { $message }
row-error-cell = Zeile { $line }, Spalte { $column }: { $message }
row-item = Eintrag { $item }: { $message }
row-duplicate-reference = „{ $reference }“ steht schon in Zeile { $first }: jede Referenz einmal pro Datei
row-reference-required = ist bei einem Import erforderlich: ein erneuter Import aktualisiert die Zeile mit derselben Referenz
column-required-missing = erforderliche Spalte fehlt
column-location-required = ein Ort ist erforderlich: Spalten lon und lat, oder postcode und/oder locality (mit country)
cell-not-a-number = „{ $given }“ ist keine Zahl
cell-not-a-whole-number = „{ $given }“ ist keine ganze Zahl
cell-not-a-language-level = „{ $given }“ ist nicht Sprache:Niveau, z. B. fr:B1
cell-not-an-id = „{ $given }“ ist keine ID (UUID)
import-office-for-beneficiaries-only = ein Amt gilt nur für Leistungsbeziehende, nicht für { $kind }
export-no-geojson-for-beneficiaries = Leistungsbeziehende haben keinen GeoJSON-Export: eine Karte, wo Menschen wohnen, ist ein personenbezogenes Datum; verwenden Sie csv oder json
import-no-office = kein Amt: fügen Sie eine Spalte office_id hinzu oder wählen Sie das Amt (--office, office_id)
import-other-office = nennt das Amt { $named }, aber die Datei wird in das Amt { $chosen } importiert
cell-no-such-office = kein Amt mit der ID { $id }
column-organisation-required = erforderliche Spalte fehlt (oder organisation_id)
cell-no-organisation-with-ref = keine Organisation mit der Referenz „{ $reference }“ (importieren Sie zuerst die Organisationen)
cell-no-such-organisation = keine Organisation mit der ID { $id }
cell-organisation-mismatch = ist nicht die Organisation, die organisation_ref nennt
cell-organisation-required = ist erforderlich (oder organisation_id)
file-utf16 = die Datei ist UTF-16: speichern Sie sie als CSV UTF-8 (durch Komma oder Semikolon getrennt)
file-empty = die Datei ist leer: eine Kopfzeile wird erwartet
file-unreadable-csv = unlesbare CSV-Datei: { $detail }
column-twice = steht zweimal in der Kopfzeile
column-unknown-did-you-mean = unbekannte Spalte; meinten Sie { $name }?
column-unknown = unbekannte Spalte; die Spalten sind: { $known }
cell-not-utf8 = ist kein UTF-8-Text: speichern Sie die Datei als CSV UTF-8
row-too-many-fields = die Zeile hat { $fields } Felder, die Kopfzeile aber { $width }: ein Trennzeichen zu viel, oder ein Feld, das Anführungszeichen braucht

## Probleme (Titel und Detail einer Fehlerantwort)

problem-validation = die Anfrage ist ungültig
problem-invalid-file = { $count ->
    [one] die Datei wurde nicht importiert: 1 Problem, nichts wurde geschrieben
   *[other] die Datei wurde nicht importiert: { $count } Probleme, nichts wurde geschrieben
}
problem-invalid-file-detail = jede fehlerhafte Zeile ist aufgeführt; korrigieren Sie sie und senden Sie die ganze Datei erneut
problem-unauthorized = fehlende oder ungültige Zugangsdaten
problem-forbidden = diese Rolle darf das nicht
problem-csrf = eine Anfrage mit einem Sitzungscookie muss das CSRF-Token der Sitzung mitsenden
problem-not-found = { $what } nicht gefunden
problem-not-found-detail = kein(e) { $what } mit dieser ID ist für Sie sichtbar
problem-payload-too-large = der Inhalt der Anfrage ist größer als die Grenze
problem-unsupported-media-type = erwarteter Content-Type: { $expected }
problem-unavailable = die Datenbank ist nicht erreichbar
problem-timeout = die Berechnung dauerte länger als ihr Zeitlimit
problem-busy = zu viele Anfragen dieser Art gleichzeitig; versuchen Sie es gleich noch einmal
problem-too-many-requests = höchstens { $limit } { $what } pro Stunde für dieses Token; versuchen Sie es in { $retry_after } s erneut
problem-internal = interner Fehler
problem-body-unreadable = der Inhalt der Anfrage konnte nicht gelesen werden
problem-malformed-json = fehlerhaftes JSON: { $detail }
problem-malformed-multipart = fehlerhaftes Multipart-Formular
problem-no-such-endpoint = diese Adresse gibt es nicht
conflict-stored-data = das widerspricht schon gespeicherten Daten (eine doppelte Referenz, oder eine Person, die schon eine laufende Vermittlung hat)
conflict-wrong-state = nicht erlaubt: die Vermittlung ist { $state }
conflict-no-seat-left = die Stelle hat keinen freien Platz oder ist nicht offen
conflict-run-in-progress = eine Neuverteilung dieses Amts läuft schon
conflict-stale-report = die Daten haben sich seit der Berechnung dieses Berichts geändert; starten Sie neu
conflict-already-applied = diese Neuverteilung wurde schon angewandt
field-hours-over-cap = höchstens { $max_total } Std. können bisher auf dieser Vermittlung gearbeitet worden sein (ihre Wochenstunden mal die Wochen seit Beginn), und { $worked } sind schon erfasst
thing-office = Amt
thing-organisation = Organisation
thing-opening = Stelle
thing-beneficiary = Leistungsbeziehende(r)
thing-placement = Vermittlung
thing-transition = Übergang
thing-user = Benutzer
thing-rebalancing_run = Neuverteilung
thing-object = Objekt
thing-endpoint = Adresse
throttled-candidate_lists_read = gelesene Kandidatenlisten
throttled-opening_changes = Stellenänderungen
state-proposed = vorgeschlagen
state-accepted = angenommen
state-confirmed = bestätigt
state-active = laufend
state-ended = beendet
state-declined = abgelehnt
state-expired = abgelaufen

## Anmeldeseiten

sign-in-title = Anmelden
sign-in-email = E-Mail-Adresse
sign-in-password = Passwort
sign-in-unreadable = Das Formular konnte nicht gelesen werden; bitte versuchen Sie es erneut.
sign-in-expired-form = Dieses Anmeldeformular ist abgelaufen oder stammt nicht von dieser Website; bitte melden Sie sich erneut an.
sign-in-refused = Die E-Mail-Adresse oder das Passwort stimmt nicht.
sign-in-wait = { $minutes ->
    [one] Zu viele Versuche. Bitte versuchen Sie es in 1 Minute erneut.
   *[other] Zu viele Versuche. Bitte versuchen Sie es in { $minutes } Minuten erneut.
}
sign-in-with = Anmelden mit { $provider }
oidc-default-provider = Organisationskonto
sign-out = Abmelden
home-title = Start
home-signed-in-as = Angemeldet als { $name } ({ $role }).
role-admin = Administrator
role-caseworker = Fachkraft
role-host = Gastgeber
role-scheduler = Planer

## Befehlszeile

import-rejected = { $name } wurde nicht importiert: { $problems } Problem(e) in { $lines } Zeile(n); nichts wurde geschrieben

## Bezugspersonen (wer eine Person begleitet)

referent-not-of-office = ist keine Fachkraft des Amts dieser Person: nur eine solche kann ihre Bezugsperson sein
referent-disabled = ist ein deaktivierter Benutzer: ein deaktivierter Benutzer kann keine Bezugsperson werden
referent-unknown-email = keine Fachkraft dieses Amts hat die E-Mail-Adresse „{ $email }“
referent-me-needs-a-user = „me“ verlangt einen angemeldeten Benutzer, und diese Anfrage kam mit einem Token: geben Sie stattdessen die ID des Benutzers an
referent-filter-invalid = „{ $given }“ ist keiner der Werte: me, none oder die ID eines Benutzers (UUID)

## Anmeldung über den Identitätsanbieter der Organisation

oidc-unavailable = { $provider } ist gerade nicht erreichbar. Versuchen Sie es später erneut, oder melden Sie sich mit Ihrem Passwort an.
oidc-denied = Die Anmeldung mit { $provider } wurde abgebrochen oder abgelehnt.
oidc-bad-state = Diese Anmeldung ist abgelaufen oder hat nicht hier begonnen; bitte melden Sie sich erneut an.
oidc-invalid-token = { $provider } hat die Anmeldung nicht bestätigt; bitte versuchen Sie es erneut.
oidc-no-email = { $provider } hat Ihre E-Mail-Adresse nicht übermittelt, die placematch braucht, um Sie zu finden.
oidc-unverified-email = { $provider } hat Ihre E-Mail-Adresse nicht bestätigt. Bestätigen Sie sie dort und melden Sie sich dann erneut an.
oidc-no-user = Ihr { $provider }-Konto ist mit keinem aktiven placematch-Benutzer verknüpft. Bitten Sie Ihre Verwaltung, Sie mit dieser E-Mail-Adresse hinzuzufügen.
cli-user-created = Benutzer { $email } ({ $role }) angelegt
cli-user-disabled = Benutzer { $email } deaktiviert; seine Sitzungen sind beendet
cli-password-set = Passwort von { $email } gesetzt; seine Sitzungen sind beendet
cli-no-user = kein Benutzer mit der E-Mail-Adresse { $email }
cli-import-done = { $name } importiert: { $rows } { $kind }, { $created } angelegt, { $updated } aktualisiert, { $unchanged } unverändert ({ $seconds } s)
cli-import-checked = { $name } geprüft: { $rows } { $kind }, { $created } angelegt, { $updated } aktualisiert, { $unchanged } unverändert ({ $seconds } s); Probelauf: nichts wurde geschrieben
cli-demo-loaded = placematch-Demo: { $office } ({ $people } Personen, { $openings } Stellen, { $organisations } Organisationen); die Neuverteilung schlug { $proposed } Vermittlungen vor (Optimum bewiesen: { $certified })
cli-yes = ja
cli-no = nein
cli-demo-api-docs = API-Dokumentation
cli-demo-admin-token = Administrator-Token
cli-demo-caseworker-token = Fachkraft-Token
cli-demo-sign-in-as = melden Sie sich auf { $url } an als:
cli-demo-try = Probieren Sie:
role = { $role }
