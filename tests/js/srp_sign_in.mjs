// Signs in to a userpools server with the real amazon-cognito-identity-js, for
// tests/api/test_js_client.py.
//
// stdin:  {"endpoint", "userPoolId", "clientId", "username", "password"}
// stdout: one JSON line, always with exit code 0 so the caller can assert on it:
//   {"ok": true, "idToken", "accessToken", "refreshToken", "refreshedAccessToken"}
//   {"ok": false, "stage": "authenticate"|"refresh", "code", "message"}
//
// authenticateUser runs USER_SRP_AUTH, then answers PASSWORD_VERIFIER; refreshSession
// runs REFRESH_TOKEN_AUTH. No polyfills: the library's isomorphic-unfetch keeps Node's
// global fetch, and its SRP randomness uses Node's global crypto.
import { readFileSync } from "node:fs";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
} from "amazon-cognito-identity-js";

const input = JSON.parse(readFileSync(0, "utf8"));
const pool = new CognitoUserPool({
  UserPoolId: input.userPoolId,
  ClientId: input.clientId,
  endpoint: input.endpoint,
});
const user = new CognitoUser({ Username: input.username, Pool: pool });

function authenticate() {
  const details = new AuthenticationDetails({
    Username: input.username,
    Password: input.password,
  });
  return new Promise((resolve, reject) => {
    const callbacks = { onSuccess: resolve, onFailure: reject };
    for (const name of [
      "newPasswordRequired",
      "mfaRequired",
      "totpRequired",
      "customChallenge",
      "mfaSetup",
      "selectMFAType",
    ]) {
      const err = Object.assign(new Error(`unexpected challenge: ${name}`), {
        code: "UnexpectedChallenge",
      });
      callbacks[name] = () => reject(err);
    }
    user.authenticateUser(details, callbacks);
  });
}

function refresh(session) {
  return new Promise((resolve, reject) => {
    user.refreshSession(session.getRefreshToken(), (err, refreshed) =>
      err ? reject(err) : resolve(refreshed),
    );
  });
}

function failure(stage, err) {
  return { ok: false, stage, code: err.code || err.name, message: err.message };
}

let result;
try {
  const session = await authenticate();
  result = {
    ok: true,
    idToken: session.getIdToken().getJwtToken(),
    accessToken: session.getAccessToken().getJwtToken(),
    refreshToken: session.getRefreshToken().getToken(),
  };
  try {
    const refreshed = await refresh(session);
    result.refreshedAccessToken = refreshed.getAccessToken().getJwtToken();
  } catch (err) {
    result = failure("refresh", err);
  }
} catch (err) {
  result = failure("authenticate", err);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
