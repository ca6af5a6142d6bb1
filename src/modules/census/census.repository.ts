import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { CensusSystemsTable } from '../../platform/db/schema.js';
import type { CensusSystemInput, Frequency, Network, SystemKind, SystemStatus, UsageScope } from './census.types.js';

export type SystemRow = Selectable<CensusSystemsTable> & { org_name: string; linked_resource_count: number };

const SYSTEM_COLUMNS = [
  's.id', 's.org_id', 's.kind', 's.name', 's.status', 's.function_desc', 's.resource_names', 's.network', 's.classified',
  's.security_level', 's.secrecy_clause', 's.can_connect', 's.connect_method', 's.no_connect_reason', 's.access_address',
  's.website_intensive', 's.usage_scope', 's.usage_scope_detail', 's.user_count', 's.frequency', 's.owner_division',
  's.owner_name', 's.owner_title', 's.owner_phone', 's.approver', 's.approval_date', 's.builder', 's.build_date',
  's.warranty_years', 's.build_budget', 's.build_budget_source', 's.om_budget', 's.om_budget_source', 's.om_unit',
  's.provided_to', 's.obtained_from', 's.needed_from', 's.tech_support', 's.remarks', 's.manual_zombie',
  's.manual_zombie_reason', 's.created_by', 's.created_at', 's.updated_at',
] as const;

type SystemValues = Omit<Insertable<CensusSystemsTable>, 'id' | 'org_id' | 'created_by' | 'created_at' | 'updated_at'>;

/** The questionnaire as table columns. */
export function toColumns(input: CensusSystemInput): SystemValues {
  return {
    kind: input.kind, name: input.name, status: input.status, function_desc: input.functionDesc, resource_names: input.resourceNames,
    network: input.network, classified: input.classified, security_level: input.securityLevel, secrecy_clause: input.secrecyClause,
    can_connect: input.canConnect, connect_method: input.connectMethod, no_connect_reason: input.noConnectReason,
    access_address: input.accessAddress, website_intensive: input.websiteIntensive, usage_scope: input.usageScope,
    usage_scope_detail: input.usageScopeDetail, user_count: input.userCount, frequency: input.frequency,
    owner_division: input.ownerDivision, owner_name: input.ownerName, owner_title: input.ownerTitle, owner_phone: input.ownerPhone,
    approver: input.approver, approval_date: input.approvalDate, builder: input.builder, build_date: input.buildDate,
    warranty_years: input.warrantyYears, build_budget: input.buildBudget, build_budget_source: input.buildBudgetSource,
    om_budget: input.omBudget, om_budget_source: input.omBudgetSource, om_unit: input.omUnit, provided_to: input.providedTo,
    obtained_from: input.obtainedFrom, needed_from: input.neededFrom, tech_support: input.techSupport, remarks: input.remarks,
    manual_zombie: input.manualZombie, manual_zombie_reason: input.manualZombieReason,
  };
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

/** A row back as the questionnaire. */
export function toInput(row: SystemRow): CensusSystemInput {
  return {
    kind: row.kind as SystemKind, name: row.name, status: row.status as SystemStatus, functionDesc: row.function_desc,
    resourceNames: row.resource_names, network: row.network as Network, classified: row.classified, securityLevel: row.security_level,
    secrecyClause: row.secrecy_clause, canConnect: row.can_connect, connectMethod: row.connect_method, noConnectReason: row.no_connect_reason,
    accessAddress: row.access_address, websiteIntensive: row.website_intensive, usageScope: row.usage_scope as UsageScope | null,
    usageScopeDetail: row.usage_scope_detail, userCount: row.user_count, frequency: row.frequency as Frequency,
    ownerDivision: row.owner_division, ownerName: row.owner_name, ownerTitle: row.owner_title, ownerPhone: row.owner_phone,
    approver: row.approver, approvalDate: row.approval_date, builder: row.builder, buildDate: row.build_date,
    warrantyYears: row.warranty_years, buildBudget: num(row.build_budget), buildBudgetSource: row.build_budget_source,
    omBudget: num(row.om_budget), omBudgetSource: row.om_budget_source, omUnit: row.om_unit, providedTo: row.provided_to,
    obtainedFrom: row.obtained_from, neededFrom: row.needed_from, techSupport: row.tech_support, remarks: row.remarks,
    manualZombie: row.manual_zombie, manualZombieReason: row.manual_zombie_reason,
  };
}

export function censusRepository(db: Database) {
  const systemsQuery = () =>
    db
      .selectFrom('census_systems as s')
      .innerJoin('identity_orgs as o', 'o.id', 's.org_id')
      .select([
        ...SYSTEM_COLUMNS,
        'o.name as org_name',
        (eb) => eb.selectFrom('census_system_resources as l').whereRef('l.system_id', '=', 's.id')
          .select((e) => e.fn.countAll<number>().as('n')).as('linked_resource_count'),
      ]);

  const normalise = (row: Omit<SystemRow, 'linked_resource_count'> & { linked_resource_count: number | string | null }): SystemRow =>
    ({ ...row, linked_resource_count: Number(row.linked_resource_count ?? 0) });

  return {
    async findSystem(id: string): Promise<SystemRow | undefined> {
      const row = await systemsQuery().where('s.id', '=', id).executeTakeFirst();
      return row ? normalise(row) : undefined;
    },
    async findSystemByName(orgId: string, name: string): Promise<SystemRow | undefined> {
      const row = await systemsQuery().where('s.org_id', '=', orgId).where('s.name', '=', name).executeTakeFirst();
      return row ? normalise(row) : undefined;
    },
    /** Systems of one department (or all), filtered in SQL by what SQL can tell; ordered by department and name. */
    async listSystems(filter: { orgId?: string; status?: string; q?: string }): Promise<SystemRow[]> {
      let query = systemsQuery();
      if (filter.orgId) query = query.where('s.org_id', '=', filter.orgId);
      if (filter.status) query = query.where('s.status', '=', filter.status);
      if (filter.q?.trim()) {
        const pattern = `%${filter.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) => eb.or([eb('s.name', 'ilike', pattern), eb('s.function_desc', 'ilike', pattern)]));
      }
      return (await query.orderBy('o.name').orderBy('s.name').execute()).map(normalise);
    },
    async insertSystem(orgId: string, createdBy: string | null, values: SystemValues): Promise<string> {
      const { id } = await db.insertInto('census_systems').values({ ...values, org_id: orgId, created_by: createdBy }).returning('id').executeTakeFirstOrThrow();
      return id;
    },
    async updateSystem(id: string, values: SystemValues, at: Date): Promise<void> {
      await db.updateTable('census_systems').set({ ...values, updated_at: at }).where('id', '=', id).execute();
    },
    async deleteSystem(id: string): Promise<void> {
      await db.deleteFrom('census_system_resources').where('system_id', '=', id).execute();
      await db.deleteFrom('census_systems').where('id', '=', id).execute();
    },
    linkedResourceIds: async (systemIds: string[]): Promise<{ system_id: string; resource_id: string }[]> =>
      systemIds.length === 0 ? [] : db.selectFrom('census_system_resources').select(['system_id', 'resource_id'])
        .where('system_id', 'in', systemIds).orderBy('created_at').execute(),
    async link(systemId: string, resourceId: string): Promise<boolean> {
      const rows = await db.insertInto('census_system_resources').values({ system_id: systemId, resource_id: resourceId })
        .onConflict((oc) => oc.columns(['system_id', 'resource_id']).doNothing()).returning('resource_id').execute();
      return rows.length > 0;
    },
    async unlink(systemId: string, resourceId: string): Promise<boolean> {
      const rows = await db.deleteFrom('census_system_resources').where('system_id', '=', systemId).where('resource_id', '=', resourceId)
        .returning('resource_id').execute();
      return rows.length > 0;
    },
    async replaceLinks(systemId: string, resourceIds: string[]): Promise<void> {
      await db.deleteFrom('census_system_resources').where('system_id', '=', systemId).execute();
      if (resourceIds.length > 0) {
        await db.insertInto('census_system_resources').values(resourceIds.map((resource_id) => ({ system_id: systemId, resource_id }))).execute();
      }
    },
    findOrg: (id: string) => db.selectFrom('identity_orgs').select(['id', 'name']).where('id', '=', id).executeTakeFirst(),
    findOrgByName: (name: string) => db.selectFrom('identity_orgs').select(['id', 'name']).where('name', '=', name).executeTakeFirst(),
  };
}
