// Runs amazon-cognito-identity-js's MFA calls against a userpools server, one step per
// request, for tests/api/test_amplify_mfa.py: the callbacks authenticateUser ends in
// (mfaRequired, totpRequired, mfaSetup, selectMFAType), then sendMFACode,
// sendMFASelectionAnswer, associateSoftwareToken and verifySoftwareToken (with the sign-in's
// Session, or signed in with the access token), setUserMfaPreference, enableMFA and disableMFA.
//
// The protocol is amplify_steps.mjs's: one JSON request per line on stdin, one JSON answer
// per line on stdout. request: {"step": NAME, ...arguments}, the first "configure" with
// {"endpoint", "userPoolId", "clientId"}. answer: {"ok": true, "result": ...} or
// {"ok": false, "name", "message"} (name = the error's code, the server's __type).
//
// The library is callback-based: a step resolves with the callback that fired, e.g.
// {"callback": "totpRequired", "challengeName", "challengeParameters"}, or
// {"callback": "onSuccess", "accessToken", "idToken", "refreshToken"} at the end.
import { createInterface } from "node:readline";
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
} from "amazon-cognito-identity-js";

let pool;
let user;

function session(signedIn) {
  return {
    callback: "onSuccess",
    accessToken: signedIn.getAccessToken().getJwtToken(),
    idToken: signedIn.getIdToken().getJwtToken(),
    refreshToken: signedIn.getRefreshToken().getToken(),
  };
}

// The callbacks of a sign-in step: each challenge resolves the step with its name, so the
// test decides what comes next.
function signInCallbacks(resolve, reject) {
  const challenge = (callback) => (challengeName, challengeParameters) =>
    resolve({ callback, challengeName, challengeParameters: challengeParameters ?? null });
  return {
    onSuccess: (signedIn) => resolve(session(signedIn)),
    onFailure: reject,
    mfaRequired: challenge("mfaRequired"),
    totpRequired: challenge("totpRequired"),
    mfaSetup: challenge("mfaSetup"),
    selectMFAType: challenge("selectMFAType"),
    newPasswordRequired: () => resolve({ callback: "newPasswordRequired" }),
    customChallenge: () => resolve({ callback: "customChallenge" }),
  };
}

const steps = {
  configure: ({ endpoint, userPoolId, clientId }) => {
    pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });
    return null;
  },
  // USER_SRP_AUTH, then PASSWORD_VERIFIER; ends in a challenge's callback or onSuccess.
  authenticate: ({ username, password }) => {
    user = new CognitoUser({ Username: username, Pool: pool });
    const details = new AuthenticationDetails({ Username: username, Password: password });
    return new Promise((resolve, reject) =>
      user.authenticateUser(details, signInCallbacks(resolve, reject)),
    );
  },
  // mfaType: "SMS_MFA" (the library's default) or "SOFTWARE_TOKEN_MFA".
  sendMFACode: ({ code, mfaType }) =>
    new Promise((resolve, reject) =>
      user.sendMFACode(
        code,
        { onSuccess: (signedIn) => resolve(session(signedIn)), onFailure: reject },
        mfaType,
      ),
    ),
  sendMFASelectionAnswer: ({ answer }) =>
    new Promise((resolve, reject) =>
      user.sendMFASelectionAnswer(answer, signInCallbacks(resolve, reject)),
    ),
  associateSoftwareToken: () =>
    new Promise((resolve, reject) =>
      user.associateSoftwareToken({
        associateSecretCode: (secretCode) => resolve({ secretCode }),
        onFailure: reject,
      }),
    ),
  // During sign-in this also answers MFA_SETUP and resolves with the tokens; signed in it
  // resolves with VerifySoftwareToken's answer ({"Status": ...}).
  verifySoftwareToken: ({ code, friendlyDeviceName }) =>
    new Promise((resolve, reject) =>
      user.verifySoftwareToken(code, friendlyDeviceName, {
        onSuccess: (result) =>
          resolve(typeof result.getAccessToken === "function" ? session(result) : result),
        onFailure: reject,
      }),
    ),
  // sms, totp: {"Enabled", "PreferredMfa"} objects, or null for "unchanged".
  setUserMfaPreference: ({ sms, totp }) =>
    new Promise((resolve, reject) =>
      user.setUserMfaPreference(sms ?? null, totp ?? null, (err, result) =>
        err ? reject(err) : resolve(result),
      ),
    ),
  // The legacy SMS MFA switch: SetUserSettings with MFAOptions [SMS, phone_number] or [].
  enableMFA: () =>
    new Promise((resolve, reject) =>
      user.enableMFA((err, result) => (err ? reject(err) : resolve(result))),
    ),
  disableMFA: () =>
    new Promise((resolve, reject) =>
      user.disableMFA((err, result) => (err ? reject(err) : resolve(result))),
    ),
};

async function answer(line) {
  const { step, ...args } = JSON.parse(line);
  try {
    const result = await steps[step](args);
    return { ok: true, result: result ?? null };
  } catch (err) {
    return { ok: false, name: err.code || err.name, message: err.message };
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) process.stdout.write(`${JSON.stringify(await answer(line))}\n`);
}
process.exit(0);
