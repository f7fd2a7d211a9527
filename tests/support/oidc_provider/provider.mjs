// A real OpenID Connect provider for the tests: node-oidc-provider (a certified implementation),
// with a small sign-in page of our own instead of its development interactions, so that a
// password is checked and the provider can report multi-factor sign-in in `amr`.
//
// Configuration comes as JSON in WBS_TEST_OIDC_CONFIG:
//   {"issuer": "http://127.0.0.1:PORT", "port": PORT,
//    "clients": [{"client_id", "client_secret", "redirect_uris": [...]}],
//    "accounts": [{"login", "password", "sub", "name", "email", "mfa": bool}]}
// It prints "ready" on stdout once it listens.
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.WBS_TEST_OIDC_CONFIG);
const bySub = new Map(config.accounts.map((account) => [account.sub, account]));
const byLogin = new Map(config.accounts.map((account) => [account.login, account]));

const provider = new Provider(config.issuer, {
  clients: config.clients.map((client) => ({
    ...client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // amr and acr belong to the openid scope, so the ID token reports how the provider authenticated.
  claims: { openid: ['sub', 'amr', 'acr', 'auth_time'], email: ['email'], profile: ['name'] },
  cookies: { keys: ['only-for-tests-not-a-secret'] },
  async findAccount(ctx, sub) {
    const account = bySub.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, name: account.name, email: account.email }) };
  },
  // Our relying party is first-party: no consent screen (node-oidc-provider's documented recipe).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(action, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><h1>Test identity provider</h1>${error ? `<p id="provider-error">${escape(error)}</p>` : ''}
<form id="provider-login" method="post" action="${escape(action)}">
<label>Login <input id="provider-login-name" name="login" required></label>
<label>Password <input id="provider-password" name="password" type="password" required></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
  if (!match) return next();
  ctx.set('Cache-Control', 'no-store');
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name !== 'login') ctx.throw(501, `prompt ${details.prompt.name} not implemented`);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page(ctx.path);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const account = byLogin.get(form.get('login') || '');
  if (!account || account.password !== form.get('password')) {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = page(ctx.path, 'Wrong login or password');
    return undefined;
  }
  const login = { accountId: account.sub, amr: account.mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'] };
  const to = await provider.interactionResult(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(to);
  return undefined;
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write('ready\n');
});
