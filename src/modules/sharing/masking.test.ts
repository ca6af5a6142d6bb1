import { describe, expect, it } from 'vitest';
import { maskRecord, maskValue } from './masking.js';

describe('masking (脱敏)', () => {
  it('keeps the first character of a name', () => {
    expect(maskValue('name', '张三丰')).toBe('张**');
    expect(maskValue('name', '李四')).toBe('李*');
    expect(maskValue('name', '王')).toBe('王*');
  });
  it('keeps the first 6 and last 4 of an ID number, or first 1 and last 2 of a short certificate number', () => {
    expect(maskValue('idNumber', '44040219900101123X')).toBe('440402********123X');
    expect(maskValue('idNumber', 'G12345678')).toBe('G******78');
  });
  it('keeps the first 3 and last 4 of a mobile number', () => {
    expect(maskValue('mobile', '13812341234')).toBe('138****1234');
  });
  it('hides the tail of an address', () => {
    expect(maskValue('address', '广东省珠海市香洲区人民东路123号')).toBe('广东省珠海市香洲区****');
    expect(maskValue('address', '珠海市香洲区')).toBe('珠海市****');
  });
  it('keeps the first 4 and last 4 of a bank card', () => {
    expect(maskValue('bankCard', '6222021234567890123')).toBe('6222***********0123');
  });
  it('hides an item entirely and passes nulls through', () => {
    expect(maskValue('hide', 'secret')).toBeNull();
    expect(maskValue('name', null)).toBeNull();
    expect(maskValue('mobile', 13812341234)).toBe('138****1234');
  });
  it('masks only the items named in the grant', () => {
    const record = { 姓名: '张三', 公民身份号码: '360426199101010071', 性别: '1' };
    expect(maskRecord(record, { 姓名: 'name', 公民身份号码: 'idNumber' })).toEqual({ 姓名: '张*', 公民身份号码: '360426********0071', 性别: '1' });
  });
});
