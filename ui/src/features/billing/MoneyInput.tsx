import { NumberInput } from '@mantine/core';
import { currencyDecimals } from './money';

interface MoneyInputProps {
  label: string;
  description: string;
  value: number | string;
  onChange: (value: number | string) => void;
  currency: string;
  error: string | undefined;
  testId: string;
}

/** An amount typed in the currency's units, with as many decimals as the currency has. */
export function MoneyInput({ label, description, value, onChange, currency, error, testId }: MoneyInputProps) {
  return (
    <NumberInput
      label={label}
      description={description}
      value={value}
      onChange={onChange}
      min={0}
      decimalScale={currencyDecimals(currency)}
      fixedDecimalScale
      error={error}
      data-testid={testId}
    />
  );
}
