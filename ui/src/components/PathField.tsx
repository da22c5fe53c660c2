import { Button, Group, TextInput, type TextInputProps } from '@mantine/core';
import { open, save } from '@tauri-apps/plugin-dialog';
import { useTranslation } from 'react-i18next';

interface PathFieldProps extends Omit<TextInputProps, 'onChange' | 'value'> {
  value: string;
  onChange: (path: string) => void;
  /** What the Browse button picks: a folder, a file to open, or where to save a file. */
  pick: 'folder' | 'open-file' | 'save-file';
  /** For files: the extension offered in the dialog, without the dot. */
  extension?: string;
  /** What the dialog starts from while the field is empty, e.g. a suggested file name. */
  defaultName?: string;
  /** Test id of the text input; the Browse button gets `<testId>-browse`. */
  testId: string;
}

/**
 * A file or folder path: typed (or pasted) in full, or chosen with the system's file dialog.
 * Typing stays possible so that a path on a network share or a drive letter can be entered as is.
 */
export function PathField({ value, onChange, pick, extension, defaultName, testId, ...input }: PathFieldProps) {
  const { t } = useTranslation();
  const filters = extension ? [{ name: extension.toUpperCase(), extensions: [extension] }] : undefined;

  const browse = async () => {
    // An empty field starts the dialog from the suggested name, if any.
    const defaultPath = value !== '' ? value : defaultName;
    const chosen =
      pick === 'save-file'
        ? await save({ defaultPath, filters })
        : await open({ directory: pick === 'folder', multiple: false, defaultPath, filters });
    if (typeof chosen === 'string') onChange(chosen);
  };

  return (
    <Group align="flex-end" gap="xs" wrap="nowrap">
      <TextInput
        {...input}
        style={{ flex: 1 }}
        value={value}
        onChange={(event) => {
          onChange(event.currentTarget.value);
        }}
        spellCheck={false}
        data-testid={testId}
      />
      <Button
        variant="default"
        onClick={() => {
          void browse();
        }}
        data-testid={`${testId}-browse`}
      >
        {t('common.browse')}
      </Button>
    </Group>
  );
}
