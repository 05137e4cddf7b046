// `cargo leptos end-to-end` starts the server and this suite at the same moment: wait until
// the server answers /readyz (process up and database reachable) before the first test.
export default async function waitForServer() {
  const base = process.env.SYEI_BASE_URL ?? "http://127.0.0.1:3000";
  const deadline = Date.now() + 90_000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/readyz`);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server at ${base} never became ready (${last})`);
}
