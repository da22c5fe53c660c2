import { describe, expect, it } from 'vitest';
import { currencyDecimals, fromMinor, toMinor } from './money';

describe('money typed at the desk', () => {
  it('follows the currency’s decimals', () => {
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('KWD')).toBe(3);
  });

  it('turns what was typed into minor units and back, without float noise', () => {
    expect(toMinor(12.5, 'EUR')).toBe(1250);
    expect(toMinor('0.29', 'USD')).toBe(29);
    expect(toMinor(1250, 'JPY')).toBe(1250);
    expect(fromMinor(1250, 'EUR')).toBe(12.5);
  });

  it('says when nothing, or no number, was typed', () => {
    expect(toMinor('', 'EUR')).toBeNull();
    expect(toMinor('twelve', 'EUR')).toBeNull();
  });
});
