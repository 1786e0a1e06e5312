#!/usr/bin/env bash
# Generates a TypeScript SDK from the OpenAPI document with @hey-api/openapi-ts
# and type-checks it: the document is a product that integrators consume.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/sdk
rm -rf "$out"
node dist/scripts/export-openapi.js build/openapi.json
npx --no-install openapi-ts -i ./build/openapi.json -o "$out" -c @hey-api/client-fetch >/dev/null
cat > build/sdk-tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "es2022", "module": "esnext", "moduleResolution": "bundler", "lib": ["es2022", "dom"],
    "strict": true, "noEmit": true, "skipLibCheck": false, "types": []
  },
  "include": ["sdk/**/*.ts", "sdk-usage.ts"]
}
JSON
# A few lines an integrator would write: the generated names must exist and be typed.
cat > build/sdk-usage.ts <<'TS'
import { createClient } from './sdk/client';
import { getReadiness, getLiveness, listRoomMessages, postRoomBotMessage } from './sdk/sdk.gen';
import type { HealthCheckDto, ProblemDetails, RoomMessageDto } from './sdk/types.gen';

const client = createClient({ baseUrl: 'http://localhost:3000' });
export async function ready(): Promise<HealthCheckDto['status'] | ProblemDetails['code'] | 'down'> {
  const live = await getLiveness({ client });
  const result = await getReadiness({ client });
  if (result.error) return (result.error as ProblemDetails).code;
  return live.data ? result.data!.status : 'down';
}

/** Problem codes are the ErrorCode enum: a client can switch on them, and a misspelt one does not compile. */
export function retryable(problem: ProblemDetails): boolean {
  switch (problem.code) {
    case 'too-many-requests':
    case 'service-unavailable':
    case 'concurrent-update':
      return true;
    default:
      return false;
  }
}
// @ts-expect-error: not a code the server sends
export const misspelt: ProblemDetails['code'] = 'too-many-request';

/** An integration posting as a bot with its API key, then reading the room back. */
export async function announce(apiKey: string, roomId: string): Promise<Array<RoomMessageDto['botName']>> {
  const authed = createClient({ baseUrl: 'http://localhost:3000', headers: { 'X-API-Key': apiKey } });
  const posted = await postRoomBotMessage({ client: authed, path: { id: roomId }, body: { text: 'Build 42 passed', botName: 'CI' } });
  if (posted.error) throw new Error((posted.error as ProblemDetails).detail ?? 'refused');
  const page = await listRoomMessages({ client: authed, path: { id: roomId }, query: { limit: 10, after: posted.data.id } });
  return (page.data?.items ?? []).map((m) => m.botName);
}
TS
npx --no-install tsc -p build/sdk-tsconfig.json
echo "SDK generated from build/openapi.json and type-checked: $(find "$out" -name '*.ts' | wc -l) files"
