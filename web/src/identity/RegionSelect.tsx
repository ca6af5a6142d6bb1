import { Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { Region } from '../api/types';
import { identityApi } from './identity-api';

interface Props {
  value?: string;
  onChange?: (code: string | undefined) => void;
  /** Label for the current value before any search has run (e.g. the org's regionName). */
  initialLabel?: string;
  'data-testid'?: string;
}

/** Administrative division picker backed by GET /regions (search by name or code prefix). */
export function RegionSelect({ value, onChange, initialLabel, 'data-testid': testId }: Props) {
  const [options, setOptions] = useState<Region[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  async function search(q: string) {
    const current = ++seq.current;
    setLoading(true);
    try {
      const items = await identityApi.searchRegions(q);
      if (current === seq.current) setOptions(items);
    } catch {
      if (current === seq.current) setOptions([]);
    } finally {
      if (current === seq.current) setLoading(false);
    }
  }

  useEffect(() => {
    void search(value ?? '');
    // Only the initial value seeds the list; later searches come from typing.
  }, []); // eslint-disable-line

  const selectOptions = options.map((r) => ({ value: r.code, label: `${r.fullName || r.name}（${r.code}）` }));
  if (value && !options.some((r) => r.code === value)) {
    selectOptions.unshift({ value, label: initialLabel ? `${initialLabel}（${value}）` : value });
  }

  return (
    <Select
      value={value}
      onChange={onChange}
      options={selectOptions}
      loading={loading}
      placeholder="输入地区名称或行政区划代码搜索"
      showSearch={{ filterOption: false, onSearch: (q) => void search(q) }}
      allowClear
      notFoundContent={loading ? '搜索中…' : '无匹配的行政区划'}
      data-testid={testId}
    />
  );
}
