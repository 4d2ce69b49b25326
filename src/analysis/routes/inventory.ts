/**
 * Auth routes for the inventory. Filled in by the endpoint-rules work.
 */
import type { Facts } from '../facts.js';
import type { Inventory } from '../../types.js';
import type { Locate } from '../../inventory.js';

export function buildRouteInventory(_facts: Facts, _locate: Locate): Pick<Inventory, 'routes'> {
  return { routes: [] };
}
