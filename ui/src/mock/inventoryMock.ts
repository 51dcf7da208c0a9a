// The Inventory page's answers: the core's inventory of the page world (fixtures.ts), one
// workspace or all of them, and a flow's Agent Framework project.
import type { ExportFormat, FlowAudit, Inventory, ScaffoldResult } from '../backend';
import { OUT_DIR, PAGES, notGenerated, settle, valueOf, workspaceAnswers, type WorldFixture } from './fixtures';

export function inventoryOf(workspaceIds: string[], all: boolean, world: WorldFixture = PAGES): Promise<Inventory> {
  if (all) return settle(world.takeInventoryAll);
  // The page asks for the chosen workspace alone.
  return settle(workspaceAnswers(world, workspaceIds[0])?.takeInventory);
}

/**
 * Where the desktop shell saves an inventory: the core's answer for the world's inventory (the
 * file is named for the day it was taken, so any inventory of that day is saved there).
 */
export function savedInventoryPath(inventory: Inventory, format: ExportFormat, world: WorldFixture = PAGES): Promise<string> {
  const generatedOn = valueOf(world.takeInventoryAll).takenOn;
  if (inventory.takenOn !== generatedOn) return Promise.reject(notGenerated(`saving an inventory taken on ${inventory.takenOn}`));
  return settle(world.saveInventory[format]);
}

/**
 * The core's project for the flow, written to `outDir`; or, when the folder holds something
 * already (`notEmpty`), the core's refusal.
 */
export function exportedProject(workspaceId: string, flowId: string, outDir: string, notEmpty: boolean, world: WorldFixture = PAGES): Promise<ScaffoldResult> {
  const answers = workspaceAnswers(world, workspaceId);
  const answer = notEmpty ? answers?.exportFlowProjectNotEmpty[flowId] : answers?.exportFlowProject[flowId];
  return settle(answer && (JSON.parse(JSON.stringify(answer).split(OUT_DIR).join(outDir)) as typeof answer));
}

/** The core's audit of the flow: its mapping table and what has no direct equivalent. */
export function auditedFlow(workspaceId: string, flowId: string, world: WorldFixture = PAGES): Promise<FlowAudit> {
  return settle(workspaceAnswers(world, workspaceId)?.auditFlow[flowId]);
}
