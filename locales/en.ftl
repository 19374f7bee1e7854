# placematch: English. Every id here exists in fr.ftl, nl.ftl and de.ftl with the same
# variables (tests/locales.rs checks). Numbers and dates arrive already written the English way.

## Explanations: why an opening is excluded

exclusion-programme = This opening does not take people of the { $programme } programme.
exclusion-kind-not-allowed = A { $kind } post is not available to people of the { $programme } programme.
exclusion-too-far = The trip takes about { $minutes } minutes, more than the { $limit } minutes the person accepts.
exclusion-language-below = It needs { $language } at { $needed }; the person has { $has }.
exclusion-language-missing = It needs { $language } at { $needed }; the person does not speak it.
exclusion-required-skill = It requires the skill "{ $skill }", which the person does not have.
exclusion-too-many-hours = It needs { $needed } hours a week; the person can work { $available }.
exclusion-ends-before-start = It ends on { $end }, before the person can start ({ $earliest }).
exclusion-health = It involves { $demand }, which the person's health rules out.
exclusion-refused-sector = The person refuses the { $sector } sector.
exclusion-no-seat-left = Every seat is taken.
exclusion-host-intake-cap = The host has already taken { $cap } new people this month, its cap.

## Explanations: a criterion's points

criterion-skills-none-asked = The opening asks for no particular skill.
criterion-skills = The person's skills match { $percent }% of what the opening asks for.
criterion-language-none-asked = No language level is required: open to everyone.
criterion-language = { $margin ->
    [0] The person meets the required language level exactly.
    [one] The person is { $margin } CEFR level above the required language level.
   *[other] The person is { $margin } CEFR levels above the required language level.
}
criterion-travel = About { $minutes } minutes by { $mobility } (the person accepts up to { $limit }).
criterion-hours = { $asked } hours a week of the { $available } the person can work.
criterion-waiting = Waiting for { $days } days (full points from { $full_from } days).

## Rebalancing: why a proposal moves, is withdrawn, or a person is left without one

moved-current-no-longer-fits = the current opening no longer fits the rules
moved-seat-needed = same score; its seat is needed by someone who fits it better
moved-gains = points per criterion, new minus current: { $gains }
withdrawn-no-longer-fits = the opening no longer fits the rules (closed, paused, or the file changed)
withdrawn-seat-needed = its seat went to people with a better fit, and no other opening fits better than leaving it
withdrawn-by-run = withdrawn by rebalancing run { $run }: { $why }
unassigned-nothing-within-reach = No opening is within reach of the person's trip limit.
unassigned-no-eligible-opening = { $nearest ->
    [0] No opening within reach passes the hard rules; most often: { $rules }.
   *[other] No opening within reach passes the hard rules; most often among the { $nearest } nearest: { $rules }.
}
unassigned-out-competed = Its best opening went to someone with a better fit: { $criterion } decided ({ $margin } points for them).
unassigned-no-seat-left = Its eligible openings have no seat left for a new person (seats or the host's monthly cap).

## Names of the service's values

criterion-name-skills = skills
criterion-name-language = language
criterion-name-travel = travel
criterion-name-hours = hours
criterion-name-waiting = waiting
programme-revis = REVIS
programme-cpas_ris = CPAS integration income
programme-rsa = RSA
kind-public_utility_work = public-utility work
kind-article_60 = article 60
kind-article_61 = article 61
kind-immersion = immersion
mobility-walk = walking
mobility-bike = bike
mobility-public_transport = public transport
mobility-car = car
demand-heavy_lifting = heavy lifting
demand-standing_all_day = standing all day
demand-outdoor_work = outdoor work
demand-night_work = night work
demand-driving = driving
demand-work_at_height = work at height
demand-repetitive_motion = repetitive motion
language-fr = French
language-nl = Dutch
language-de = German
language-en = English
language-lb = Luxembourgish
language-ar = Arabic
language-pt = Portuguese
language-it = Italian
language-es = Spanish
language-tr = Turkish
gain = { $criterion } { $delta }
rule-count = { $count ->
    [one] { $rule } (1 opening)
   *[other] { $rule } ({ $count } openings)
}
rule-programme = programme
rule-kind_not_allowed = kind of post
rule-travel_time = trip too long
rule-language_level = language level
rule-required_skill = required skill
rule-hours = hours
rule-dates = dates
rule-health = health
rule-refused_sector = refused sector
rule-no_seat_left = no seat left
rule-host_intake_cap = host's monthly cap

## Field validation (each next to its field)

field-required = is required
field-not-one-of = '{ $value }' is not one of: { $allowed }
field-not-a = '{ $given }' is not { $expected }
field-too-long = must be at most { $max } characters
field-length-range = must be { $min } to { $max } characters
field-empty = must not be empty
field-listed-twice = '{ $given }' is listed twice
field-hours-range = must be more than 0 and at most 60, got { $given }
field-not-a-date = '{ $given }' is not a date: use YYYY-MM-DD or DD/MM/YYYY
field-date-required = is required (YYYY-MM-DD)
list-too-long = at most { $max } entries, got { $len }
skill-code-invalid = a ROME or ESCO code: letters, digits, '.' or '-', at most 40
location-required = is required: lon and lat, or a postcode and/or locality with a country
location-both-given = give either lon and lat or a place name (postcode, locality), not both
location-lat-required = is required with lon
location-lon-required = is required with lat
location-country-required = is required with a postcode or locality: LU, BE or FR
expected-CefrLevel = a CEFR level (A1, A2, B1, B2, C1 or C2)
expected-Language = a language (fr, nl, de or en)
expected-Mobility = a mobility (walk, bike, public_transport or car)
expected-Programme = a programme (revis, cpas_ris or rsa)
expected-OpeningKind = an opening kind (public_utility_work, article_60, article_61 or immersion)
expected-PhysicalDemand = a physical demand (heavy_lifting, standing_all_day, outdoor_work, night_work, driving, work_at_height or repetitive_motion)
expected-PlacementState = a placement state (proposed, accepted, confirmed, active, ended, declined or expired)
expected-Move = a transition (accept, confirm, start, end or decline)
expected-Country = a country (LU, BE or FR)
expected-LanguageCode = a known ISO 639-1 language code (e.g. fr, lb, de, nl, en)
expected-Sector = a sector name (1 to 60 letters, digits, spaces, - _ & ' /)
placement-reason-not-taken = only a decline or an end takes a reason
placement-outcome-not-taken = only an end takes an outcome
placement-decline-needs-reason = a decline needs a reason
placement-end-needs-outcome = an end needs an outcome: completed, job_found, training, dropped_out, health, moved_away or other

## Places (postcodes and localities)

place-unknown-country = unknown country '{ $given }': use LU, BE or FR
place-nothing-given = no place given: give a postcode, a locality or both
place-locality-required = postcodes of { $country } are not in the gazetteer: give the locality (town or village) instead
place-unknown-postcode = postcode { $postcode } is unknown in { $country }{ $did_you_mean }
place-unknown-locality = locality '{ $locality }' is unknown in { $country }{ $did_you_mean }
place-ambiguous-give-locality = '{ $given }' in { $country } is ambiguous: it may be { $candidates }; give the locality
place-ambiguous-give-postcode = '{ $given }' in { $country } is ambiguous: it may be { $candidates }; give the postcode
place-postcode-locality-mismatch = postcode { $postcode } in { $country } is known, but not with locality '{ $locality }' ({ $postcode } is { $known }){ $did_you_mean }
place-no-suggestion = {""}
place-did-you-mean = ; did you mean: { $names }?
place-candidates = { $more ->
    [0] { $names }
   *[other] { $names } and { $more } more
}
field-longitude-range = longitude must be between -180 and 180, got { $given }
field-latitude-range = latitude must be between -90 and 90, got { $given }
field-not-negative = must be 0 or more, got { $given }
field-in-future = is in the future
field-minutes-range = must be 1 to { $max } minutes, got { $given }
opening-programme-required = name at least one programme: revis, cpas_ris or rsa
opening-ends-before-start = ends on { $end }, before its start date { $start }

## Users and passwords

field-not-an-email = must be an email address
field-no-such-office = no such office
field-no-such-organisation = no such organisation
password-too-short = must be at least { $min } characters long
password-too-common = is too common: choose a longer phrase of your own
user-caseworker-needs-office = a caseworker belongs to an office
user-host-needs-organisation = a host belongs to an organisation
user-office-only-for-caseworker = only a caseworker belongs to an office
user-organisation-only-for-host = only a host belongs to an organisation
user-email-taken = a user with this email already exists
field-missing-field = the field '{ $name }' is required
field-unknown-field = there is no field '{ $name }' here (known fields: { $allowed })
field-wrong-type = has the wrong type: { $found }, expected { $expected }
field-invalid = is not valid: { $detail }
field-control-character = contains the control character { $code }
field-between = must be between { $min } and { $max }, got { $given }
field-required-for-admin = required for an admin
field-radius-range = must be more than 0 and at most 200
field-radius-together = lon, lat and radius_km go together
field-bad-cursor = not a cursor returned by this list
opening-cannot-move = an opening cannot move to another organisation
beneficiary-cannot-move = a file cannot move to another office here
import-file-required = is required: the multipart form has no field named file
override-not-allowed = { $rule } ({ $code }); no reason can set this rule aside
override-reason-needed = { $rule } ({ $code }); give a reason to propose all the same
override-nothing-to-set-aside = the person meets every rule of this opening: there is nothing to set aside

## Files (CSV import and export)

row-error-line = line { $line }: { $message }
row-error-cell = line { $line }, column { $column }: { $message }
row-item = item { $item }: { $message }
row-duplicate-reference = '{ $reference }' is already on line { $first }: each reference once per file
row-reference-required = is required in an import: re-importing the file updates the row with the same reference
column-required-missing = required column is missing
column-location-required = a location is required: columns lon and lat, or postcode and/or locality (with country)
cell-not-a-number = '{ $given }' is not a number
cell-not-a-whole-number = '{ $given }' is not a whole number
cell-not-a-language-level = '{ $given }' is not language:level, e.g. fr:B1
cell-not-an-id = '{ $given }' is not an id (a UUID)
import-office-for-beneficiaries-only = an office applies to beneficiaries only, not to { $kind }
export-no-geojson-for-beneficiaries = beneficiaries have no GeoJSON export: a map of where people live is personal data; use csv or json
import-no-office = no office: add an office_id column or choose the office (--office, office_id)
import-other-office = names office { $named }, but the file is imported into office { $chosen }
cell-no-such-office = no office with id { $id }
column-organisation-required = required column is missing (or organisation_id)
cell-no-organisation-with-ref = no organisation with reference '{ $reference }' (import organisations first)
cell-no-such-organisation = no organisation with id { $id }
cell-organisation-mismatch = is not the organisation named by organisation_ref
cell-organisation-required = is required (or organisation_id)
file-utf16 = the file is UTF-16: save it as CSV UTF-8 (comma or semicolon separated)
file-empty = the file is empty: expected a header line
file-unreadable-csv = unreadable CSV: { $detail }
column-twice = appears twice in the header
column-unknown-did-you-mean = unknown column; did you mean { $name }?
column-unknown = unknown column; the columns are: { $known }
cell-not-utf8 = is not UTF-8 text: save the file as CSV UTF-8
row-too-many-fields = the line has { $fields } fields but the header has { $width }: a separator too many, or a field that needs quotes

## Problems (the title and detail of an error answer)

problem-validation = the request is not valid
problem-invalid-file = { $count ->
    [one] the file was not imported: 1 problem, nothing was written
   *[other] the file was not imported: { $count } problems, nothing was written
}
problem-invalid-file-detail = every bad line is listed; fix them and send the whole file again
problem-unauthorized = missing or invalid credentials
problem-forbidden = this role may not do that
problem-csrf = a request made with a session cookie must carry the session's CSRF token
problem-not-found = no such { $what }
problem-not-found-detail = no { $what } with this id is visible to you
problem-payload-too-large = the request body is larger than the limit
problem-unsupported-media-type = expected Content-Type: { $expected }
problem-unavailable = the database is unavailable
problem-timeout = the computation took longer than its time limit
problem-busy = too many requests of this kind at once; try again in a moment
problem-too-many-requests = at most { $limit } { $what } per hour for this token; try again in { $retry_after } s
problem-internal = internal error
problem-body-unreadable = the request body could not be read
problem-malformed-json = malformed JSON: { $detail }
problem-malformed-multipart = malformed multipart form
problem-no-such-endpoint = no such endpoint
conflict-stored-data = this conflicts with data already stored (a duplicate reference, or a person who already has a live placement)
conflict-wrong-state = not allowed: the placement is { $state }
conflict-no-seat-left = the opening has no free seat or is not open
conflict-run-in-progress = a rebalancing run of this office is already in progress
conflict-stale-report = the data changed since this report was computed; run again
conflict-already-applied = this run was already applied
field-hours-over-cap = at most { $max_total } hours can have been worked on this placement so far (its weekly hours times the weeks since it started), and { $worked } are already recorded
thing-office = office
thing-organisation = organisation
thing-opening = opening
thing-beneficiary = beneficiary
thing-placement = placement
thing-transition = transition
thing-user = user
thing-rebalancing_run = rebalancing run
thing-object = object
thing-endpoint = endpoint
throttled-candidate_lists_read = candidate lists read
throttled-opening_changes = opening changes
state-proposed = proposed
state-accepted = accepted
state-confirmed = confirmed
state-active = active
state-ended = ended
state-declined = declined
state-expired = expired

## Sign-in pages

sign-in-title = Sign in
sign-in-email = Email
sign-in-password = Password
sign-in-unreadable = The form could not be read; please try again.
sign-in-expired-form = This sign-in form has expired or did not come from this site; please sign in again.
sign-in-refused = The email or the password is not right.
sign-in-wait = { $minutes ->
    [one] Too many attempts. Please try again in 1 minute.
   *[other] Too many attempts. Please try again in { $minutes } minutes.
}
sign-in-with = Sign in with { $provider }
oidc-default-provider = your organisation's account
sign-out = Sign out
home-title = Home
home-signed-in-as = Signed in as { $name } ({ $role }).
role-admin = administrator
role-caseworker = caseworker
role-host = host
role-scheduler = scheduler

## Command line

import-rejected = { $name } was not imported: { $problems } problem(s) on { $lines } line(s); nothing was written

## Référents (who follows a person)

referent-not-of-office = is not a caseworker of this person's office: only one can be their référent
referent-disabled = is a disabled user: a disabled user cannot become a référent
referent-unknown-email = no caseworker of this office has the email '{ $email }'
referent-me-needs-a-user = 'me' needs a signed-in user, and this request came with a token: give the user's id instead
referent-filter-invalid = '{ $given }' is not one of: me, none, or a user's id (a UUID)

## Sign-in through an organisation's identity provider

oidc-unavailable = { $provider } cannot be reached right now. Please try again later, or sign in with your password.
oidc-denied = Sign-in with { $provider } was cancelled or refused.
oidc-bad-state = This sign-in has expired or did not start here; please sign in again.
oidc-invalid-token = { $provider } did not confirm the sign-in; please try again.
oidc-no-email = { $provider } did not give your email address, which placematch needs to find you.
oidc-unverified-email = { $provider } has not verified your email address. Verify it there, then sign in again.
oidc-no-user = Your { $provider } account is not linked to an enabled placematch user. Ask your administrator to add you with this email address.
cli-user-created = user { $email } ({ $role }) created
cli-user-disabled = user { $email } disabled; their sessions have ended
cli-password-set = password of { $email } set; their sessions have ended
cli-no-user = no user with email { $email }
cli-import-done = imported { $name }: { $rows } { $kind }, { $created } created, { $updated } updated, { $unchanged } unchanged ({ $seconds } s)
cli-import-checked = checked { $name }: { $rows } { $kind }, { $created } created, { $updated } updated, { $unchanged } unchanged ({ $seconds } s); dry run: nothing was written
cli-demo-loaded = placematch demo: { $office } ({ $people } people, { $openings } openings, { $organisations } organisations); rebalancing proposed { $proposed } placements (certified optimal: { $certified })
cli-yes = yes
cli-no = no
cli-demo-api-docs = API docs
cli-demo-admin-token = admin token
cli-demo-caseworker-token = caseworker token
cli-demo-sign-in-as = sign in at { $url } as:
cli-demo-try = Try:
role = { $role }
