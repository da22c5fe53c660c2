import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import { roomName } from './frontDesk';

describe('roomName', () => {
  it('says a bare number as a room and any other name as typed', () => {
    const t = i18n.t.bind(i18n);
    expect(roomName(t, '3')).toBe('Room 3');
    expect(roomName(t, ' 12B ')).toBe('Room 12B');
    expect(roomName(t, 'Room 4')).toBe('Room 4');
    expect(roomName(t, 'Physio gym')).toBe('Physio gym');
  });
});
