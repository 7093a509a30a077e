// openid-client (panva's certified OpenID Connect relying party) against userpools over TLS:
// discovery, the authorization URL with PKCE, state and nonce, then (once the test has
// signed in through the login page and written the callback URL to stdin) the code exchange,
// which checks the ID token (issuer, audience, signature against the JWKS, nonce), and
// userInfo. Usage: node oidc_code.mjs ISSUER CLIENT_ID REDIRECT_URI
// Prints {"authorization_url": ...}, reads one line, prints {"claims", "userinfo", "scope"}.
import * as client from "openid-client";
import { createInterface } from "node:readline";

const [issuer, clientId, redirectUri] = process.argv.slice(2);

const config = await client.discovery(new URL(issuer), clientId, undefined, client.None());
const verifier = client.randomPKCECodeVerifier();
const challenge = await client.calculatePKCECodeChallenge(verifier);
const state = client.randomState();
const nonce = client.randomNonce();
const url = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: "openid email",
  code_challenge: challenge,
  code_challenge_method: "S256",
  state,
  nonce,
});
console.log(JSON.stringify({ authorization_url: url.href }));

const lines = createInterface({ input: process.stdin });
const callback = await new Promise((resolve) => lines.once("line", resolve));
lines.close();

const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
console.log(JSON.stringify({ claims, userinfo, scope: tokens.scope ?? null }));
