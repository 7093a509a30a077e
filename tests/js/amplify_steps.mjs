// Runs Amplify JS v6's Auth API against a userpools server, one step per request, for
// tests/api/test_amplify.py and tests/api/test_amplify_mfa.py.
//
// One Node process serves a whole test: the test writes one JSON request per line on stdin
// and reads one JSON answer per line on stdout, so it can check the server's state with boto3
// (and change it, e.g. add the user to a group) between Amplify's steps.
//
// request: {"step": NAME, ...arguments}; the first is "configure" with
//          {"endpoint", "userPoolId", "clientId"}.
// answer:  {"ok": true, "result": ...} or {"ok": false, "name", "message"} (the AuthError's
//          name is the server's __type when the server refused the call).
//
// Node 20 has what Amplify needs: global fetch and Web Crypto. Without a window, Amplify keeps
// its tokens in its in-memory storage, which lives as long as this process.
import { createInterface } from "node:readline";
import { Amplify } from "aws-amplify";
import {
  autoSignIn,
  confirmSignIn,
  confirmSignUp,
  confirmUserAttribute,
  fetchAuthSession,
  fetchMFAPreference,
  fetchUserAttributes,
  getCurrentUser,
  resendSignUpCode,
  setUpTOTP,
  signIn,
  signOut,
  signUp,
  updateMFAPreference,
  updateUserAttributes,
  verifyTOTPSetup,
} from "aws-amplify/auth";
import { defaultStorage } from "aws-amplify/utils";

let clientId;

// fetchAuthSession keeps the refresh token to itself: it is read from Amplify's storage, under
// the keys Amplify documents ("CognitoIdentityServiceProvider.<clientId>.<username>.<name>").
async function storedRefreshToken() {
  const prefix = `CognitoIdentityServiceProvider.${clientId}`;
  const username = await defaultStorage.getItem(`${prefix}.LastAuthUser`);
  return defaultStorage.getItem(`${prefix}.${username}.refreshToken`);
}

async function tokensOf(session) {
  const { tokens } = session;
  if (!tokens) return null;
  return {
    accessToken: tokens.accessToken.toString(),
    idToken: tokens.idToken?.toString() ?? null,
    refreshToken: await storedRefreshToken(),
  };
}

const steps = {
  configure: ({ endpoint, userPoolId, clientId: appClientId }) => {
    clientId = appClientId;
    Amplify.configure({
      Auth: {
        Cognito: { userPoolId, userPoolClientId: clientId, userPoolEndpoint: endpoint },
      },
    });
    return null;
  },
  signUp: ({ username, password, email, autoSignIn: signInAfterwards = false }) =>
    signUp({
      username,
      password,
      options: { userAttributes: { email }, autoSignIn: signInAfterwards },
    }),
  resendSignUpCode: ({ username }) => resendSignUpCode({ username }),
  autoSignIn: () => autoSignIn(),
  confirmSignUp: ({ username, code }) => confirmSignUp({ username, confirmationCode: code }),
  // USER_AUTH may go without a password (a one-time code, or a factor chosen later).
  signIn: ({ username, password, authFlowType, preferredChallenge }) =>
    signIn({
      username,
      password,
      options: authFlowType ? { authFlowType, preferredChallenge } : undefined,
    }),
  // Answers whatever signIn's nextStep asked for: a code, a choice ("TOTP", "PASSWORD",
  // "EMAIL_OTP"...) or a password. totpSetupDetails loses its getSetupUri (a function) in JSON.
  confirmSignIn: ({ challengeResponse, friendlyDeviceName }) =>
    confirmSignIn({
      challengeResponse,
      options: friendlyDeviceName ? { friendlyDeviceName } : undefined,
    }),
  setUpTOTP: async ({ appName }) => {
    const details = await setUpTOTP();
    return {
      sharedSecret: details.sharedSecret,
      setupUri: details.getSetupUri(appName).toString(),
    };
  },
  verifyTOTPSetup: ({ code, friendlyDeviceName }) =>
    verifyTOTPSetup({ code, options: friendlyDeviceName ? { friendlyDeviceName } : undefined }),
  // {totp, sms, email}: each PREFERRED, ENABLED, NOT_PREFERRED or DISABLED, or left out.
  updateMFAPreference: (preferences) => updateMFAPreference(preferences),
  fetchMFAPreference: () => fetchMFAPreference(),
  currentUser: () => getCurrentUser(),
  session: async ({ forceRefresh }) => tokensOf(await fetchAuthSession({ forceRefresh })),
  userAttributes: () => fetchUserAttributes(),
  updateEmail: ({ email }) => updateUserAttributes({ userAttributes: { email } }),
  confirmEmail: ({ code }) =>
    confirmUserAttribute({ userAttributeKey: "email", confirmationCode: code }),
  signOut: ({ global }) => signOut({ global }),
};

async function answer(line) {
  const { step, ...args } = JSON.parse(line);
  try {
    const result = await steps[step](args);
    return { ok: true, result: result ?? null };
  } catch (err) {
    return { ok: false, name: err.name, message: err.message };
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) process.stdout.write(`${JSON.stringify(await answer(line))}\n`);
}
// Amplify's timers (autoSignIn waits 3 minutes for a confirmation) would keep Node alive.
process.exit(0);
