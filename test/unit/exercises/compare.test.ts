import { describe, expect, it } from 'vitest';
import { outputMatches, withoutTrailingWhitespace } from '../../../electron/core/exercises/compare';

describe('outputMatches', () => {
  it('exact: byte for byte, a trailing space or a missing newline fails', () => {
    expect(outputMatches('42\n', '42\n', 'exact')).toBe(true);
    expect(outputMatches('42 \n', '42\n', 'exact')).toBe(false);
    expect(outputMatches('42', '42\n', 'exact')).toBe(false);
    expect(outputMatches('42\r\n', '42\n', 'exact')).toBe(false);
  });

  it('trailing-whitespace: spaces, tabs and CR at line ends and empty last lines are ignored, nothing else', () => {
    expect(outputMatches('a b  \t\r\nc\n\n\n', 'a b\nc', 'trailing-whitespace')).toBe(true);
    expect(outputMatches('a  b\n', 'a b\n', 'trailing-whitespace')).toBe(false);
    expect(outputMatches(' a\n', 'a\n', 'trailing-whitespace')).toBe(false);
    expect(outputMatches('a\n\nb\n', 'a\nb\n', 'trailing-whitespace')).toBe(false);
    expect(outputMatches('', '\n\n', 'trailing-whitespace')).toBe(true);
    expect(withoutTrailingWhitespace('x \ny\t\n \n')).toBe('x\ny');
  });

  it('numbers: within the absolute or the relative tolerance, other words exactly, same count', () => {
    const tol = { absolute: 1e-3, relative: 0 };
    expect(outputMatches('3.1416\n', '3.14159\n', 'numbers', tol)).toBe(true);
    expect(outputMatches('3.15\n', '3.14159\n', 'numbers', tol)).toBe(false);
    expect(outputMatches('x = 1.0000001  y = 2', 'x = 1\ny = 2.0', 'numbers', tol)).toBe(true);
    expect(outputMatches('X = 1', 'x = 1', 'numbers', tol)).toBe(false);
    expect(outputMatches('1 2', '1 2 3', 'numbers', tol)).toBe(false);
    expect(outputMatches('1e3', '1000', 'numbers', tol)).toBe(true);
    expect(outputMatches('1010', '1000', 'numbers', { absolute: 0, relative: 0.01 })).toBe(true);
    expect(outputMatches('1011', '1000', 'numbers', { absolute: 0, relative: 0.01 })).toBe(false);
  });

  it('numbers: nan, inf, hex and huge exponents are words, never "close" to anything', () => {
    const tol = { absolute: 1e12, relative: 1 };
    expect(outputMatches('nan', '1', 'numbers', tol)).toBe(false);
    expect(outputMatches('inf', '1', 'numbers', tol)).toBe(false);
    expect(outputMatches('0x10', '16', 'numbers', tol)).toBe(false);
    expect(outputMatches('1e999', '1', 'numbers', tol)).toBe(false);
    expect(outputMatches('nan', 'nan', 'numbers', tol)).toBe(true);
  });
});
