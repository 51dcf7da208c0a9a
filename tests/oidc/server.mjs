// A third-party OpenID Connect server (oidc-provider) for pfrm's conformance tests, on loopback
// HTTPS, configured strictly: PKCE required, refresh tokens rotated on every use with reuse
// detection (a spent refresh token coming back revokes the whole grant, as Entra may), both
// loopback redirect styles registered, RFC 9207 `iss` on every authorization response.
// Discovery is served where Entra keeps it (`/organizations/v2.0/.well-known/...`).
//
// Prints one JSON line {issuer} when it listens, then notices (read them, or the server dies on
// a closed pipe). Configuration comes from the environment:
//   OIDC_CERT, OIDC_KEY (PEM files), OIDC_CLIENT_ID, OIDC_API_SCOPE;
//   OIDC_REDIRECT_URIS: comma-separated registered redirect URIs (default: both loopback styles);
//   OIDC_ACCESS_TOKEN_TTL: access token lifetime in seconds (default 3600);
//   OIDC_TAMPER: what to do to the answers, to play an attacker or a broken server (see `tamper`).
//
// Test-only routes: GET /arm/tenants (a resource server that accepts this server's live access
// tokens) and GET /test/state (live grants and refresh tokens).
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import Provider from 'oidc-provider';

const {
  OIDC_CERT, OIDC_KEY, OIDC_CLIENT_ID, OIDC_API_SCOPE, OIDC_REDIRECT_URIS, OIDC_ACCESS_TOKEN_TTL,
  OIDC_TAMPER,
} = process.env;
const server = https.createServer({ cert: fs.readFileSync(OIDC_CERT), key: fs.readFileSync(OIDC_KEY) });

// The signing key is made here (not by the provider) so that the tampering below can produce
// tokens that carry a valid signature and only a wrong claim.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'conformance-1', use: 'sig', alg: 'RS256' };

// Storage the test routes can look into (oidc-provider's own memory adapter is private).
const entries = new Map();
const grantIndex = new Map();
class MemoryAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    entries.set(key, { model: this.model, payload, expires: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    if (payload.grantId) {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, new Set());
      grantIndex.get(payload.grantId).add(key);
    }
    if (payload.userCode) entries.set(`userCode:${payload.userCode}`, { payload: id });
    if (payload.uid) entries.set(`uid:${payload.uid}`, { payload: id });
  }
  async find(id) {
    const entry = entries.get(this.key(id));
    if (!entry || (entry.expires && entry.expires < Date.now())) return undefined;
    return entry.payload;
  }
  async findByUserCode(userCode) { return this.find(entries.get(`userCode:${userCode}`)?.payload); }
  async findByUid(uid) { return this.find(entries.get(`uid:${uid}`)?.payload); }
  async consume(id) {
    const entry = entries.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) { entries.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const key of grantIndex.get(grantId) ?? []) entries.delete(key);
    grantIndex.delete(grantId);
  }
}

function live(model) {
  return [...entries.values()].filter((e) => e.model === model && !(e.expires && e.expires < Date.now()) && !e.payload.consumed);
}

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const parse = (part) => JSON.parse(Buffer.from(part, 'base64url').toString());
const sign = (header, claims) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};

// One way to spoil an ID token per OIDC_TAMPER value; all but `signature` and `alg-none` keep a
// valid signature, so only the named check can catch them.
function tamper(idToken, mode) {
  const [h, p, s] = idToken.split('.');
  const header = parse(h);
  const claims = parse(p);
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'signature': return `${h}.${p}.${Buffer.from(s, 'base64url').reverse().toString('base64url')}`;
    case 'alg-none': return `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    case 'issuer': return sign(header, { ...claims, iss: 'https://login.attacker.test/v2.0' });
    case 'audience': return sign(header, { ...claims, aud: 'another-client' });
    case 'expired': return sign(header, { ...claims, iat: now - 7200, exp: now - 3600 });
    case 'not-yet-valid': return sign(header, { ...claims, nbf: now + 3600 });
    case 'nonce-missing': { const { nonce, ...rest } = claims; return sign(header, rest); }
    case 'nonce-wrong': return sign(header, { ...claims, nonce: 'a-nonce-of-another-sign-in' });
    default: return idToken;
  }
}

server.listen(0, '127.0.0.1', () => {
  const issuer = `https://127.0.0.1:${server.address().port}`;
  const base = '/organizations/oauth2/v2.0';
  const redirectUris = (OIDC_REDIRECT_URIS ?? 'http://localhost,http://127.0.0.1').split(',');
  const provider = new Provider(issuer, {
    adapter: MemoryAdapter,
    jwks: { keys: [signingJwk] },
    clients: [{
      client_id: OIDC_CLIENT_ID,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: redirectUris,
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
    // Rotation on every use; a consumed token coming back revokes the grant (oidc-provider's
    // reuse detection, always on with rotation).
    rotateRefreshToken: () => true,
    ttl: { AccessToken: Number(OIDC_ACCESS_TOKEN_TTL ?? 3600) },
    routes: {
      authorization: `${base}/authorize`,
      token: `${base}/token`,
      device_authorization: `${base}/devicecode`,
    },
    cookies: { keys: ['pfrm-conformance-test'] },
  });
  provider.use(async (ctx, next) => {
    // Discovery where Entra keeps it.
    if (ctx.path === '/organizations/v2.0/.well-known/openid-configuration') {
      ctx.path = '/.well-known/openid-configuration';
    }
    if (ctx.path === '/test/state') {
      ctx.body = { grants: live('Grant').length, liveRefreshTokens: live('RefreshToken').length };
      return;
    }
    if (ctx.path === '/arm/tenants') {
      const bearer = (ctx.get('authorization') ?? '').replace(/^Bearer /, '');
      const token = bearer && await provider.AccessToken.find(bearer);
      if (!token) {
        ctx.status = 401;
        ctx.body = { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } };
        return;
      }
      ctx.body = { value: [{ tenantId: 'organizations', displayName: 'Conformance' }] };
      return;
    }
    // Entra issues refresh tokens for `offline_access` without further ado. This server follows
    // OpenID Connect Core §11 strictly: `offline_access` needs `prompt=consent`. Its nearest
    // equivalent of Entra's behaviour is therefore to show its consent page.
    if (ctx.path.endsWith('/authorize')) {
      const query = new URLSearchParams(ctx.querystring);
      if ((query.get('scope') ?? '').split(' ').includes('offline_access') && !query.get('prompt')) {
        query.set('prompt', 'consent');
        ctx.querystring = query.toString();
      }
    }
    await next();
    if (OIDC_TAMPER === 'redirect-issuer') {
      const location = ctx.response.get('Location');
      if (/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(location)) {
        const url = new URL(location);
        url.searchParams.set('iss', 'https://login.attacker.test');
        ctx.set('Location', url.toString());
      }
    } else if (OIDC_TAMPER && ctx.path.endsWith('/token') && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token, OIDC_TAMPER) };
    }
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
