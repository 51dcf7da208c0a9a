// A third-party OpenID Connect server (oidc-provider) for pfrm's conformance tests, on loopback
// HTTPS with PKCE required, refresh-token rotation and the device flow. Prints one JSON line
// {issuer} when it listens, then notices (read them, or the server dies on a closed pipe).
// Configuration comes from the environment: OIDC_CERT, OIDC_KEY (PEM files), OIDC_CLIENT_ID,
// OIDC_API_SCOPE.
import fs from 'node:fs';
import https from 'node:https';
import Provider from 'oidc-provider';

const { OIDC_CERT, OIDC_KEY, OIDC_CLIENT_ID, OIDC_API_SCOPE } = process.env;
const server = https.createServer({ cert: fs.readFileSync(OIDC_CERT), key: fs.readFileSync(OIDC_KEY) });

server.listen(0, '127.0.0.1', () => {
  const issuer = `https://127.0.0.1:${server.address().port}`;
  const base = '/organizations/oauth2/v2.0';
  const provider = new Provider(issuer, {
    clients: [{
      client_id: OIDC_CLIENT_ID,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://localhost'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
    }],
    scopes: ['openid', 'profile', 'offline_access', OIDC_API_SCOPE],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, name: `User ${sub}`, preferred_username: sub }),
    }),
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
    },
    pkce: { required: () => true },
    rotateRefreshToken: () => true,
    routes: {
      authorization: `${base}/authorize`,
      token: `${base}/token`,
      device_authorization: `${base}/devicecode`,
    },
    cookies: { keys: ['pfrm-conformance-test'] },
  });
  // Entra answers `prompt=select_account` with an account chooser and issues refresh tokens for
  // `offline_access` without further ado. This server has no account chooser, and it follows
  // OpenID Connect Core §11 strictly: `offline_access` needs `prompt=consent`. Its nearest
  // equivalent of Entra's behaviour is therefore to show its consent page, so the value is mapped.
  provider.use(async (ctx, next) => {
    if (ctx.path.endsWith('/authorize')) {
      const query = new URLSearchParams(ctx.querystring);
      if (query.get('prompt') === 'select_account') {
        query.set('prompt', 'consent');
        ctx.querystring = query.toString();
      }
    }
    await next();
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
