/** Hono: `app.basePath('/api')` makes a sub-app mounted under the prefix. */
import { type ts, staticString } from '../../ast.js';
import type { RouteRecorder } from '../recorder.js';

export function honoBasePath(
  rec: RouteRecorder,
  call: ts.CallExpression,
  parent: number,
): { app: number } {
  const id = rec.app(call, () => rec.newApp('hono', call));
  const prefix = staticString(call.arguments[0]);
  rec.facts.apps[parent].uses.push({
    path: prefix,
    items: [{ label: 'basePath', span: rec.ctx.span(call), app: { kind: 'local', app: id } }],
    span: rec.ctx.span(call),
    seq: rec.seq++,
    conditional: false,
  });
  return { app: id };
}
