// A real OpenID provider for placematch's sign-in tests: panva's oidc-provider (certified),
// with its built-in development login and consent pages (any login, any password: the account
// is the login), one confidential client and PKCE required.
//
// Usage: node server.mjs '<json>' where the JSON gives
//   { "client_id": "...", "client_secret": "...", "redirect_uris": ["..."],
//     "accounts": { "<login>": { "email": "...", "email_verified": true }, ... },
//     "email_in_id_token": false }
// With `email_in_id_token` the ID token carries the email claims; without it they are given by
// the UserInfo endpoint only, the library's default for the code flow.
// It listens on a free port of 127.0.0.1, prints `listening http://127.0.0.1:PORT` on stdout,
// and exits when its standard input closes (the test that started it ended, however it ended).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2] ?? '{}');
for (const key of ['client_id', 'client_secret', 'redirect_uris', 'accounts']) {
  if (!(key in settings)) {
    console.error(`server.mjs: missing "${key}" in the settings argument`);
    process.exit(2);
  }
}

// A signing key of this run only (the library's built-in key is shared by every developer).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: settings.client_id,
        client_secret: settings.client_secret,
        redirect_uris: settings.redirect_uris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    async findAccount(ctx, id) {
      const account = settings.accounts[id];
      if (!account) {
        return undefined;
      }
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...account };
        },
      };
    },
    conformIdTokenClaims: !settings.email_in_id_token,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [jwk] },
  });
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
