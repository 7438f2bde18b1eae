// A real OpenID Connect provider for tests/test_oidc.py: oidc-provider from npm on loopback,
// with one confidential client that must use PKCE, an in-memory account store and
// oidc-provider's development sign-in pages (any password; the login names an account below).
//
// Configured by the test through the environment:
//   OIDC_TEST_PORT       the port on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   OIDC_TEST_CLIENT     JSON {"client_id", "client_secret", "redirect_uri"}
//   OIDC_TEST_ACCOUNTS   JSON {"<login>": {"email": ..., "email_verified": ...}, ...}
// Prints "ready <issuer>" on stdout once it listens.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT);
const client = JSON.parse(process.env.OIDC_TEST_CLIENT);
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: [client.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['test-provider-cookie-key-not-secret'] },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
