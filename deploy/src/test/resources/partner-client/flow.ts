// A partner's program written against Paybridge's generated TypeScript client only: it signs up,
// buys a token, connects Stripe, lets Stripe's webhooks book payments, pages through them, refunds
// one and reads the refund back. The webhooks are Stripe's, not the partner API: they are posted
// with fetch, signed here as Stripe signs them. Any answer it does not expect ends it with exit 1.
//
// Arguments: the node's base URL and a JSON file holding the Stripe secrets and the webhook bodies.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Configuration, DefaultApi, ResponseError, Payment } from "./client";

interface Fixture {
  webhookSecret: string;
  apiKey: string;
  customerRef: string;
  webhooks: string[];
}

function step(what: string): void {
  console.log(`- ${what}`);
}

function expect(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(`unexpected: ${what}`);
  }
}

function stripeSignature(secret: string, body: string): string {
  const t = Math.floor(Date.now() / 1000).toString();
  const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${v1}`;
}

async function main(): Promise<void> {
  const [baseUrl, fixtureFile] = process.argv.slice(2);
  const fixture: Fixture = JSON.parse(readFileSync(fixtureFile, "utf8"));

  const anonymous = new DefaultApi(new Configuration({ basePath: baseUrl }));
  const email = `partner-${randomUUID()}@example.com`;
  const signedUp = await anonymous.signup({
    signupRequest: { name: "TypeScript partner", email, password: "correct horse battery staple" },
  });
  step(`signed up tenant ${signedUp.tenantId}`);

  const tokenApi = new DefaultApi(
    new Configuration({
      basePath: baseUrl,
      username: signedUp.clientId,
      password: signedUp.clientSecret,
    }),
  );
  const token = await tokenApi.token({ grantType: "client_credentials" });
  expect(String(token.tokenType) === "Bearer", `token type ${token.tokenType}`);
  step(`bought a token for ${token.expiresIn} s`);

  const api = new DefaultApi(
    new Configuration({ basePath: baseUrl, accessToken: async () => token.accessToken }),
  );
  const account = await api.putGatewayAccount({
    gateway: "stripe",
    requestBody: { webhookSecret: fixture.webhookSecret, apiKey: fixture.apiKey },
    idempotencyKey: randomUUID(),
  });
  expect(account.secretsSet.includes("webhookSecret"), `secrets set ${account.secretsSet}`);
  step(`connected Stripe, webhooks at ${account.webhookUrl}`);

  const hook = baseUrl + new URL(account.webhookUrl).pathname;
  for (const body of fixture.webhooks) {
    const answer = await fetch(hook, {
      method: "POST",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": stripeSignature(fixture.webhookSecret, body),
      },
      body,
    });
    expect(answer.status === 200, `webhook answered ${answer.status}: ${await answer.text()}`);
  }
  step(`posted ${fixture.webhooks.length} signed Stripe webhooks`);

  // Pages of two, by customer: every payment once, newest first.
  const seen: Payment[] = [];
  let startingAfter: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await api.listPayments({
      customerRef: fixture.customerRef,
      kind: "PAYMENT",
      limit: 2,
      startingAfter,
    });
    pages++;
    seen.push(...page.data);
    expect(page.data.length <= 2, `a page of ${page.data.length}`);
    if (!page.hasMore) {
      break;
    }
    startingAfter = page.data[page.data.length - 1].id;
  }
  const ids = new Set(seen.map((p) => p.id));
  expect(seen.length === fixture.webhooks.length, `${seen.length} payments listed`);
  expect(ids.size === seen.length, "a payment listed twice");
  expect(
    seen.every((p) => p.customerRef === fixture.customerRef && p.gateway === "stripe"),
    "a payment of another customer or gateway",
  );
  step(`listed ${seen.length} payments in ${pages} pages`);

  const paid = seen[0];
  const requested = await api.createRefund({
    id: paid.id,
    idempotencyKey: randomUUID(),
    refundRequest: { amount: 500, reason: "requested_by_customer" },
  });
  expect(requested.status === "succeeded", `refund ${requested.status}`);
  expect(requested.amount === 500, `refund of ${requested.amount}`);
  step(`refunded 500 of payment ${paid.id} (${paid.amountMinor} ${paid.currency})`);

  const refund = await api.getRefund({ id: requested.id });
  expect(refund.paymentId === paid.id, `refund of payment ${refund.paymentId}`);
  expect(refund.gatewayRefundId !== null, "no Stripe refund id");
  step(`read refund ${refund.id}: ${refund.status} at Stripe as ${refund.gatewayRefundId}`);

  try {
    await api.getRefund({ id: randomUUID() });
    expect(false, "another refund id was found");
  } catch (e) {
    expect(e instanceof ResponseError && e.response.status === 404, `unknown refund: ${e}`);
  }
  console.log(
    JSON.stringify({ tenantId: signedUp.tenantId, paymentId: paid.id, refundId: refund.id }),
  );
}

main().catch(async (e) => {
  const detail = e instanceof ResponseError ? `${e.response.status} ${await e.response.text()}` : "";
  console.error(`failed: ${e instanceof Error ? e.message : e} ${detail}`);
  process.exit(1);
});
