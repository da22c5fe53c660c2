import type { TFunction } from 'i18next';

/** The day after a clinic-local date ("YYYY-MM-DD"). */
export function nextDay(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1));
  return date.toISOString().slice(0, 10);
}

const ROOM_STORAGE_KEY = 'clinic.waitingRoom.room';

/** The room this computer's doctor last called patients to. */
/**
 * How a room is said on the display and in messages: a bare number ("3", "12B") as "Room 3"; any other
 * name ("Room 4", "Physio gym") as typed.
 */
export function roomName(t: TFunction, room: string): string {
  return /^\d+[A-Za-z]?$/.test(room.trim()) ? t('waiting.roomNumber', { room: room.trim() }) : room.trim();
}

export function rememberedRoom(): string {
  try {
    return window.localStorage.getItem(ROOM_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function rememberRoom(room: string) {
  try {
    window.localStorage.setItem(ROOM_STORAGE_KEY, room);
  } catch {
    // Storage unavailable: the room is simply not remembered.
  }
}

/**
 * A short two-tone ding (about 0.6 s) with the Web Audio API. Does nothing where there is no
 * AudioContext (tests, very old webviews) or audio fails.
 */
export function playChime() {
  const AudioContextClass = (window as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!AudioContextClass) return;
  try {
    const context = new AudioContextClass();
    void context.resume();
    const start = context.currentTime;
    const tones: [frequency: number, offset: number][] = [
      [880, 0],
      [659.25, 0.28],
    ];
    for (const [frequency, offset] of tones) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      const at = start + offset;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.32);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.34);
    }
    window.setTimeout(() => void context.close(), 900);
  } catch {
    // No sound is better than a broken display.
  }
}
