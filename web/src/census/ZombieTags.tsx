import { Tag, Tooltip } from 'antd';
import { ZOMBIE_COLORS, type CensusSystem } from './census-api';

/** The zombie reasons of a system as tags (hover for why), or 正常 when none applies. */
export function ZombieTags({ system }: { system: CensusSystem }) {
  if (!system.zombie.isZombie) {
    return (
      <Tag color="green" data-testid="zombie-none">
        正常
      </Tag>
    );
  }
  return (
    <span data-testid="zombie-tags">
      {system.zombie.reasons.map((r) => (
        <Tooltip key={r.code} title={r.detail}>
          <Tag color={ZOMBIE_COLORS[r.code]} data-testid={`zombie-${r.code}`} style={{ marginBottom: 4 }}>
            {r.label}
          </Tag>
        </Tooltip>
      ))}
    </span>
  );
}
