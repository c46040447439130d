import { describe, expect, it } from 'vitest';
import { isUserActivation, USER_ACTIVATION_MS, UserActivation } from '../../../electron/shell/user-activation';

describe('user activation (external links only after a click)', () => {
  it('counts a click, a tap, Enter and Space; not moves, wheels, hovers or typing', () => {
    for (const type of ['mouseDown', 'mouseUp', 'gestureTap', 'touchEnd']) expect(isUserActivation({ type }), type).toBe(true);
    for (const type of ['mouseMove', 'mouseWheel', 'mouseEnter', 'mouseLeave', 'gestureScrollBegin', 'contextMenu', 'undefined']) {
      expect(isUserActivation({ type }), type).toBe(false);
    }
    expect(isUserActivation({ type: 'keyDown', key: 'Enter' })).toBe(true);
    expect(isUserActivation({ type: 'rawKeyDown', key: ' ' })).toBe(true);
    expect(isUserActivation({ type: 'keyDown', key: 'a' })).toBe(false);
    expect(isUserActivation({ type: 'keyUp', key: 'Enter' })).toBe(false);
    expect(isUserActivation({ type: 'keyDown' })).toBe(false);
  });

  it('a page that opens a link with no input (a script, a redirect, a timer) gets nothing', () => {
    const a = new UserActivation();
    expect(a.consume(1000)).toBe(false);
    a.record({ type: 'mouseMove' }, 1000);
    expect(a.consume(1001)).toBe(false);
  });

  it('one click opens one link, and only shortly after it', () => {
    const a = new UserActivation();
    a.record({ type: 'mouseUp' }, 1000);
    expect(a.consume(1000 + USER_ACTIVATION_MS)).toBe(true);
    expect(a.consume(1000 + USER_ACTIVATION_MS)).toBe(false);
    a.record({ type: 'mouseUp' }, 5000);
    expect(a.consume(5001 + USER_ACTIVATION_MS)).toBe(false);
    // A clock that went back never counts an old input as new.
    a.record({ type: 'mouseUp' }, 9000);
    expect(a.consume(8000)).toBe(false);
  });
});
