import type { TablePaginationConfig } from 'antd';

/** Paging of a list the server pages: the caller keeps the page, the server counts the total. */
export function serverPagination(page: number, pageSize: number, total: number, onChange: (page: number) => void, unit = '条'): TablePaginationConfig {
  return { current: page, pageSize, total, onChange, showSizeChanger: false, showTotal: (n) => `共 ${n} ${unit}` };
}

/** Paging of a list loaded whole. */
export function listPagination(unit = '条', pageSize = 20): TablePaginationConfig {
  return { pageSize, showSizeChanger: false, showTotal: (n) => `共 ${n} ${unit}` };
}
