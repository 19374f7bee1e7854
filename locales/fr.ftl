# placematch : français, la langue par défaut. Chaque identifiant existe aussi dans nl.ftl,
# de.ftl et en.ftl, avec les mêmes variables (tests/locales.rs le vérifie). Les nombres et les
# dates arrivent déjà écrits à la française.

## Explications : pourquoi une offre est exclue

exclusion-programme = Cette offre n'accueille pas les personnes du programme { $programme }.
exclusion-kind-not-allowed = Un poste { $kind } n'est pas ouvert aux personnes du programme { $programme }.
exclusion-too-far = Le trajet prend environ { $minutes } min, plus que les { $limit } min que la personne accepte.
exclusion-language-below = Il faut le niveau { $needed } en { $language } ; la personne a { $has }.
exclusion-language-missing = Il faut le niveau { $needed } en { $language } ; la personne ne parle pas cette langue.
exclusion-required-skill = Il faut la compétence « { $skill } », que la personne n'a pas.
exclusion-too-many-hours = Il faut { $needed } h par semaine ; la personne peut travailler { $available } h.
exclusion-ends-before-start = L'offre se termine le { $end }, avant que la personne puisse commencer ({ $earliest }).
exclusion-health = Le poste demande { $demand }, ce que la santé de la personne exclut.
exclusion-refused-sector = La personne refuse le secteur { $sector }.
exclusion-no-seat-left = Toutes les places sont prises.
exclusion-host-intake-cap = L'organisme a déjà accueilli { $cap } nouvelles personnes ce mois-ci, son plafond.

## Explications : les points d'un critère

criterion-skills-none-asked = L'offre ne demande aucune compétence particulière.
criterion-skills = Les compétences de la personne couvrent { $percent } % de ce que l'offre demande.
criterion-language-none-asked = Aucun niveau de langue n'est exigé : ouvert à tous.
criterion-language = { $margin ->
    [0] La personne a exactement le niveau de langue exigé.
    [one] La personne dépasse de { $margin } niveau CECR le niveau de langue exigé.
   *[other] La personne dépasse de { $margin } niveaux CECR le niveau de langue exigé.
}
criterion-travel = Environ { $minutes } min en { $mobility } (la personne accepte jusqu'à { $limit } min).
criterion-hours = { $asked } h par semaine sur les { $available } h que la personne peut travailler.
criterion-waiting = { $days ->
    [one] En attente depuis { $days } jour (tous les points à partir de { $full_from } jours).
   *[other] En attente depuis { $days } jours (tous les points à partir de { $full_from } jours).
}

## Rééquilibrage : pourquoi une proposition change, est retirée, ou une personne reste sans

moved-current-no-longer-fits = l'offre actuelle ne respecte plus les règles
moved-seat-needed = même score ; sa place revient à quelqu'un à qui elle convient mieux
moved-gains = points par critère, nouvelle offre moins l'actuelle : { $gains }
withdrawn-no-longer-fits = l'offre ne respecte plus les règles (fermée, suspendue, ou le dossier a changé)
withdrawn-seat-needed = sa place est allée à des personnes à qui elle convient mieux, et aucune autre offre ne vaut mieux que de la retirer
withdrawn-by-run = retirée par le rééquilibrage { $run } : { $why }
unassigned-nothing-within-reach = Aucune offre n'est à portée du temps de trajet que la personne accepte.
unassigned-no-eligible-opening = { $nearest ->
    [0] Aucune offre à portée ne respecte les règles ; le plus souvent : { $rules }.
   *[other] Aucune offre à portée ne respecte les règles ; le plus souvent, parmi les { $nearest } plus proches : { $rules }.
}
unassigned-out-competed = Sa meilleure offre est allée à une personne qui convient mieux : le critère { $criterion } a décidé ({ $margin } points pour elle).
unassigned-no-seat-left = Ses offres possibles n'ont plus de place pour une nouvelle personne (places ou plafond mensuel de l'organisme).
gain = { $criterion } { $delta }
rule-count = { $count ->
    [one] { $rule } (1 offre)
   *[other] { $rule } ({ $count } offres)
}

## Noms des valeurs du service

criterion-name-skills = compétences
criterion-name-language = langue
criterion-name-travel = trajet
criterion-name-hours = heures
criterion-name-waiting = attente
programme-revis = REVIS
programme-cpas_ris = revenu d'intégration (CPAS)
programme-rsa = RSA
kind-public_utility_work = travail d'utilité publique
kind-article_60 = article 60
kind-article_61 = article 61
kind-immersion = immersion
mobility-walk = marchant
mobility-bike = vélo
mobility-public_transport = transports en commun
mobility-car = voiture
demand-heavy_lifting = le port de charges lourdes
demand-standing_all_day = la station debout toute la journée
demand-outdoor_work = le travail en extérieur
demand-night_work = le travail de nuit
demand-driving = la conduite
demand-work_at_height = le travail en hauteur
demand-repetitive_motion = des gestes répétitifs
language-fr = français
language-nl = néerlandais
language-de = allemand
language-en = anglais
language-lb = luxembourgeois
language-ar = arabe
language-pt = portugais
language-it = italien
language-es = espagnol
language-tr = turc
rule-programme = programme
rule-kind_not_allowed = type de poste
rule-travel_time = trajet trop long
rule-language_level = niveau de langue
rule-required_skill = compétence exigée
rule-hours = heures
rule-dates = dates
rule-health = santé
rule-refused_sector = secteur refusé
rule-no_seat_left = plus de place
rule-host_intake_cap = plafond mensuel de l'organisme

## Validation des champs (chaque message à côté de son champ)

field-required = est obligatoire
field-not-one-of = « { $value } » n'est pas l'une des valeurs : { $allowed }
field-not-a = « { $given } » n'est pas { $expected }
field-too-long = { $max } caractères au plus
field-length-range = de { $min } à { $max } caractères
field-empty = ne doit pas être vide
field-listed-twice = « { $given } » figure deux fois
field-hours-range = doit être supérieur à 0 et au plus 60 ; reçu { $given }
field-not-a-date = « { $given } » n'est pas une date : écrivez AAAA-MM-JJ ou JJ/MM/AAAA
field-date-required = est obligatoire (AAAA-MM-JJ)
list-too-long = { $max } éléments au plus, et non { $len }
skill-code-invalid = un code ROME ou ESCO : lettres, chiffres, « . » ou « - », 40 au plus
location-required = est obligatoire : lon et lat, ou un code postal et/ou une localité avec un pays
location-both-given = donnez soit lon et lat, soit un nom de lieu (code postal, localité), pas les deux
location-lat-required = est obligatoire avec lon
location-lon-required = est obligatoire avec lat
location-country-required = est obligatoire avec un code postal ou une localité : LU, BE ou FR
expected-CefrLevel = un niveau CECR (A1, A2, B1, B2, C1 ou C2)
expected-Language = une langue (fr, nl, de ou en)
expected-Mobility = un mode de déplacement (walk, bike, public_transport ou car)
expected-Programme = un programme (revis, cpas_ris ou rsa)
expected-OpeningKind = un type d'offre (public_utility_work, article_60, article_61 ou immersion)
expected-PhysicalDemand = une contrainte physique (heavy_lifting, standing_all_day, outdoor_work, night_work, driving, work_at_height ou repetitive_motion)
expected-PlacementState = un état de placement (proposed, accepted, confirmed, active, ended, declined ou expired)
expected-Move = une transition (accept, confirm, start, end ou decline)
expected-Country = un pays (LU, BE ou FR)
expected-LanguageCode = un code de langue ISO 639-1 connu (par ex. fr, lb, de, nl, en)
expected-Sector = un nom de secteur (1 à 60 lettres, chiffres, espaces, - _ & ' /)
placement-reason-not-taken = seuls un refus ou une fin prennent un motif
placement-outcome-not-taken = seule une fin prend une issue
placement-decline-needs-reason = un refus demande un motif
placement-end-needs-outcome = une fin demande une issue : completed, job_found, training, dropped_out, health, moved_away ou other
field-missing-field = le champ « { $name } » est obligatoire
field-unknown-field = il n'y a pas de champ « { $name } » ici (champs connus : { $allowed })
field-wrong-type = n'a pas le bon type : { $found }, attendu { $expected }
field-invalid = n'est pas valide : { $detail }
field-control-character = contient le caractère de contrôle { $code }
field-longitude-range = la longitude doit être comprise entre -180 et 180 ; reçu { $given }
field-latitude-range = la latitude doit être comprise entre -90 et 90 ; reçu { $given }
field-not-negative = doit être 0 ou plus ; reçu { $given }
field-in-future = est dans le futur
field-minutes-range = de 1 à { $max } minutes ; reçu { $given }
opening-programme-required = nommez au moins un programme : revis, cpas_ris ou rsa
opening-ends-before-start = se termine le { $end }, avant sa date de début, le { $start }
field-between = doit être compris entre { $min } et { $max } ; reçu { $given }
field-required-for-admin = obligatoire pour un administrateur
field-radius-range = doit être supérieur à 0 et au plus 200
field-radius-together = lon, lat et radius_km vont ensemble
field-bad-cursor = ce n'est pas un curseur rendu par cette liste
opening-cannot-move = une offre ne peut pas passer à un autre organisme
beneficiary-cannot-move = un dossier ne peut pas passer ici à un autre office
import-file-required = est obligatoire : le formulaire multipart n'a pas de champ nommé file
override-not-allowed = { $rule } ({ $code }) ; aucun motif ne peut écarter cette règle
override-reason-needed = { $rule } ({ $code }) ; donnez un motif pour proposer malgré tout
override-nothing-to-set-aside = la personne respecte toutes les règles de cette offre : il n'y a rien à écarter

## Lieux (codes postaux et localités)

place-unknown-country = pays inconnu « { $given } » : utilisez LU, BE ou FR
place-nothing-given = aucun lieu donné : donnez un code postal, une localité ou les deux
place-locality-required = les codes postaux de { $country } ne sont pas dans le répertoire : donnez plutôt la localité (ville ou village)
place-unknown-postcode = le code postal { $postcode } est inconnu en { $country }{ $did_you_mean }
place-unknown-locality = la localité « { $locality } » est inconnue en { $country }{ $did_you_mean }
place-ambiguous-give-locality = « { $given } » en { $country } est ambigu : il peut s'agir de { $candidates } ; donnez la localité
place-ambiguous-give-postcode = « { $given } » en { $country } est ambigu : il peut s'agir de { $candidates } ; donnez le code postal
place-postcode-locality-mismatch = le code postal { $postcode } en { $country } est connu, mais pas avec la localité « { $locality } » ({ $postcode } : { $known }){ $did_you_mean }
place-no-suggestion = {""}
place-did-you-mean = {" "}; vouliez-vous dire : { $names } ?
place-candidates = { $more ->
    [0] { $names }
   *[other] { $names } et { $more } autres
}

## Utilisateurs et mots de passe

field-not-an-email = doit être une adresse e-mail
field-no-such-office = cet office n'existe pas
field-no-such-organisation = cet organisme n'existe pas
password-too-short = doit compter au moins { $min } caractères
password-too-common = est trop courant : choisissez une phrase plus longue, à vous
user-caseworker-needs-office = un travailleur social appartient à un office
user-host-needs-organisation = un accueillant appartient à un organisme
user-office-only-for-caseworker = seul un travailleur social appartient à un office
user-organisation-only-for-host = seul un accueillant appartient à un organisme
user-email-taken = un utilisateur a déjà cette adresse e-mail

## Fichiers (import et export CSV)

row-error-line = ligne { $line } : { $message }
row-error-cell = ligne { $line }, colonne { $column } : { $message }
row-item = élément { $item } : { $message }
row-duplicate-reference = « { $reference } » figure déjà à la ligne { $first } : chaque référence une seule fois par fichier
row-reference-required = est obligatoire dans un import : réimporter le fichier met à jour la ligne de même référence
column-required-missing = colonne obligatoire absente
column-location-required = un lieu est obligatoire : colonnes lon et lat, ou postcode et/ou locality (avec country)
cell-not-a-number = « { $given } » n'est pas un nombre
cell-not-a-whole-number = « { $given } » n'est pas un nombre entier
cell-not-a-language-level = « { $given } » n'est pas langue:niveau, par ex. fr:B1
cell-not-an-id = « { $given } » n'est pas un identifiant (UUID)
import-office-for-beneficiaries-only = un office ne s'applique qu'aux bénéficiaires, pas à { $kind }
export-no-geojson-for-beneficiaries = les bénéficiaires n'ont pas d'export GeoJSON : une carte des lieux où vivent des personnes est une donnée personnelle ; utilisez csv ou json
import-no-office = pas d'office : ajoutez une colonne office_id ou choisissez l'office (--office, office_id)
import-other-office = nomme l'office { $named }, mais le fichier est importé dans l'office { $chosen }
cell-no-such-office = aucun office avec l'identifiant { $id }
column-organisation-required = colonne obligatoire absente (ou organisation_id)
cell-no-organisation-with-ref = aucun organisme avec la référence « { $reference } » (importez d'abord les organismes)
cell-no-such-organisation = aucun organisme avec l'identifiant { $id }
cell-organisation-mismatch = n'est pas l'organisme nommé par organisation_ref
cell-organisation-required = est obligatoire (ou organisation_id)
file-utf16 = le fichier est en UTF-16 : enregistrez-le en CSV UTF-8 (séparateur virgule ou point-virgule)
file-empty = le fichier est vide : une ligne d'en-tête est attendue
file-unreadable-csv = CSV illisible : { $detail }
column-twice = figure deux fois dans l'en-tête
column-unknown-did-you-mean = colonne inconnue ; vouliez-vous dire { $name } ?
column-unknown = colonne inconnue ; les colonnes sont : { $known }
cell-not-utf8 = n'est pas du texte UTF-8 : enregistrez le fichier en CSV UTF-8
row-too-many-fields = la ligne a { $fields } champs mais l'en-tête en a { $width } : un séparateur de trop, ou un champ à mettre entre guillemets

## Problèmes (titre et détail d'une réponse d'erreur)

problem-validation = la requête n'est pas valide
problem-invalid-file = { $count ->
    [one] le fichier n'a pas été importé : 1 problème, rien n'a été écrit
   *[other] le fichier n'a pas été importé : { $count } problèmes, rien n'a été écrit
}
problem-invalid-file-detail = chaque ligne fautive est listée ; corrigez-les et renvoyez le fichier entier
problem-unauthorized = identifiants absents ou non valides
problem-forbidden = ce rôle ne peut pas faire cela
problem-csrf = une requête faite avec un cookie de session doit porter le jeton CSRF de la session
problem-not-found = { $what } introuvable
problem-not-found-detail = aucun(e) { $what } avec cet identifiant ne vous est visible
problem-payload-too-large = le corps de la requête dépasse la limite
problem-unsupported-media-type = Content-Type attendu : { $expected }
problem-unavailable = la base de données est indisponible
problem-timeout = le calcul a dépassé son temps limite
problem-busy = trop de requêtes de ce type en même temps ; réessayez dans un instant
problem-too-many-requests = au plus { $limit } { $what } par heure pour ce jeton ; réessayez dans { $retry_after } s
problem-internal = erreur interne
problem-body-unreadable = le corps de la requête n'a pas pu être lu
problem-malformed-json = JSON mal formé : { $detail }
problem-malformed-multipart = formulaire multipart mal formé
problem-no-such-endpoint = cette adresse n'existe pas
conflict-stored-data = cela entre en conflit avec des données déjà enregistrées (une référence en double, ou une personne qui a déjà un placement en cours)
conflict-wrong-state = impossible : le placement est { $state }
conflict-no-seat-left = l'offre n'a pas de place libre ou n'est pas ouverte
conflict-run-in-progress = un rééquilibrage de cet office est déjà en cours
conflict-stale-report = les données ont changé depuis le calcul de ce rapport ; relancez
conflict-already-applied = ce rééquilibrage a déjà été appliqué
field-hours-over-cap = au plus { $max_total } h peuvent avoir été prestées sur ce placement à ce jour (ses heures hebdomadaires fois les semaines écoulées depuis son début), et { $worked } sont déjà enregistrées
thing-office = office
thing-organisation = organisme
thing-opening = offre
thing-beneficiary = bénéficiaire
thing-placement = placement
thing-transition = transition
thing-user = utilisateur
thing-rebalancing_run = rééquilibrage
thing-object = objet
thing-endpoint = adresse
throttled-candidate_lists_read = lectures de listes de candidats
throttled-opening_changes = modifications d'offres
state-proposed = proposé
state-accepted = accepté
state-confirmed = confirmé
state-active = en cours
state-ended = terminé
state-declined = refusé
state-expired = expiré

## Pages de connexion

sign-in-title = Se connecter
sign-in-email = Adresse e-mail
sign-in-password = Mot de passe
sign-in-unreadable = Le formulaire n'a pas pu être lu ; veuillez réessayer.
sign-in-expired-form = Ce formulaire de connexion a expiré ou ne vient pas de ce site ; veuillez vous reconnecter.
sign-in-refused = L'adresse e-mail ou le mot de passe n'est pas correct.
sign-in-wait = { $minutes ->
    [one] Trop de tentatives. Veuillez réessayer dans 1 minute.
   *[other] Trop de tentatives. Veuillez réessayer dans { $minutes } minutes.
}
sign-in-with = Se connecter avec { $provider }
oidc-default-provider = le compte de votre organisation
sign-out = Se déconnecter
home-title = Accueil
home-signed-in-as = Connecté(e) en tant que { $name } ({ $role }).
role-admin = administrateur
role-caseworker = travailleur social
role-host = accueillant
role-scheduler = planificateur

## Ligne de commande

import-rejected = { $name } n'a pas été importé : { $problems } problème(s) sur { $lines } ligne(s) ; rien n'a été écrit

## Référents (qui suit une personne)

referent-not-of-office = n'est pas un travailleur social de l'office de cette personne : seul l'un d'eux peut être son référent
referent-disabled = est un utilisateur désactivé : un utilisateur désactivé ne peut pas devenir référent
referent-unknown-email = aucun travailleur social de cet office n'a l'adresse « { $email } »
referent-me-needs-a-user = « me » demande un utilisateur connecté, et cette requête vient avec un jeton : donnez plutôt l'identifiant de l'utilisateur
referent-filter-invalid = « { $given } » n'est pas l'une des valeurs : me, none, ou l'identifiant d'un utilisateur (UUID)

## Connexion par le fournisseur d'identité de l'organisation

oidc-unavailable = { $provider } est injoignable pour le moment. Réessayez plus tard, ou connectez-vous avec votre mot de passe.
oidc-denied = La connexion avec { $provider } a été annulée ou refusée.
oidc-bad-state = Cette connexion a expiré ou n'a pas commencé ici ; veuillez vous reconnecter.
oidc-invalid-token = { $provider } n'a pas confirmé la connexion ; veuillez réessayer.
oidc-no-email = { $provider } n'a pas transmis votre adresse e-mail, dont placematch a besoin pour vous retrouver.
oidc-unverified-email = { $provider } n'a pas vérifié votre adresse e-mail. Vérifiez-la là-bas, puis reconnectez-vous.
oidc-no-user = Votre compte { $provider } n'est lié à aucun utilisateur placematch actif. Demandez à votre administrateur de vous ajouter avec cette adresse e-mail.
cli-user-created = utilisateur { $email } ({ $role }) créé
cli-user-disabled = utilisateur { $email } désactivé ; ses sessions sont terminées
cli-password-set = mot de passe de { $email } défini ; ses sessions sont terminées
cli-no-user = aucun utilisateur avec l'adresse { $email }
cli-import-done = { $name } importé : { $rows } { $kind }, { $created } créés, { $updated } mis à jour, { $unchanged } inchangés ({ $seconds } s)
cli-import-checked = { $name } vérifié : { $rows } { $kind }, { $created } créés, { $updated } mis à jour, { $unchanged } inchangés ({ $seconds } s) ; essai à blanc : rien n'a été écrit
cli-demo-loaded = démo placematch : { $office } ({ $people } personnes, { $openings } offres, { $organisations } organismes) ; le rééquilibrage a proposé { $proposed } placements (optimum certifié : { $certified })
cli-yes = oui
cli-no = non
cli-demo-api-docs = documentation de l'API
cli-demo-admin-token = jeton administrateur
cli-demo-caseworker-token = jeton travailleur social
cli-demo-sign-in-as = connectez-vous sur { $url } en tant que :
cli-demo-try = Essayez :
role = { $role }
