'use client';

import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';

/** A point as a fraction of the pad's width and height, so strokes survive a resize. */
type Point = { x: number; y: number };
type Mark = { kind: 'stroke'; points: Point[] } | { kind: 'typed'; text: string };

/** 3:1, at most 1200 × 400 device pixels: what lib/ports/signature.ts accepts. */
const ASPECT = 3;
const MAX_BACKING_WIDTH = 1200;
const INK = '#0f172a';
const SCRIPT_FONT = '"Segoe Script", "Snell Roundhand", "Brush Script MT", "URW Chancery L", cursive';

export interface SignaturePadProps {
  /** The hidden input's name: it carries the PNG data URL, or nothing while the pad is empty. */
  name: string;
  label?: string;
  /** The name typed as the legal signature: offered as a drawing for those who cannot draw one. */
  typedName?: string;
  errors?: string[];
  idPrefix?: string;
  className?: string;
  onChange?: (dataUrl: string) => void;
}

/**
 * A canvas to sign on with a mouse, pen or finger (touch does not scroll the page while signing).
 * Each finished stroke writes the drawing, as a PNG data URL, into a hidden input of the form.
 */
export function SignaturePad({ name, label = 'Signature', typedName, errors, idPrefix, className, onChange }: SignaturePadProps) {
  const id = `${idPrefix ?? 'field'}-${name}`;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const marks = useRef<Mark[]>([]);
  const drawing = useRef<{ pointerId: number; points: Point[] } | null>(null);
  const [value, setValue] = useState('');
  const error = errors?.[0];

  const lineWidth = (canvas: HTMLCanvasElement) => Math.max(2, canvas.width / 240);

  const paint = useCallback((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.strokeStyle = INK;
    context.fillStyle = INK;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.lineWidth = lineWidth(canvas);
    for (const mark of marks.current) {
      if (mark.kind === 'typed') {
        let size = canvas.height * 0.45;
        context.font = `italic ${size}px ${SCRIPT_FONT}`;
        const width = context.measureText(mark.text).width;
        if (width > canvas.width * 0.9) size *= (canvas.width * 0.9) / width;
        context.font = `italic ${size}px ${SCRIPT_FONT}`;
        context.textAlign = 'center';
        context.textBaseline = 'alphabetic';
        context.fillText(mark.text, canvas.width / 2, canvas.height * 0.68);
        continue;
      }
      const [first, ...rest] = mark.points;
      if (!first) continue;
      context.beginPath();
      if (rest.length === 0) {
        context.arc(first.x * canvas.width, first.y * canvas.height, context.lineWidth / 2, 0, Math.PI * 2);
        context.fill();
        continue;
      }
      context.moveTo(first.x * canvas.width, first.y * canvas.height);
      for (const point of rest) context.lineTo(point.x * canvas.width, point.y * canvas.height);
      context.stroke();
    }
  }, []);

  const publish = useCallback(() => {
    const canvas = canvasRef.current;
    const next = canvas && marks.current.length > 0 ? canvas.toDataURL('image/png') : '';
    setValue(next);
    onChange?.(next);
  }, [onChange]);

  // The backing store follows the pad's rendered width (sharp on high-DPI screens, never past 1200 × 400).
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const resize = () => {
      const cssWidth = canvas.getBoundingClientRect().width;
      if (cssWidth === 0) return;
      const width = Math.min(MAX_BACKING_WIDTH, Math.round(cssWidth * (window.devicePixelRatio || 1)));
      const height = Math.round(width / ASPECT);
      if (canvas.width === width && canvas.height === height) return;
      canvas.width = width;
      canvas.height = height;
      paint(canvas);
      if (marks.current.length > 0) publish();
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [paint, publish]);

  // A typed-name drawing follows the name as it is corrected.
  useEffect(() => {
    const canvas = canvasRef.current;
    const [only] = marks.current;
    if (!canvas || marks.current.length !== 1 || only?.kind !== 'typed' || !typedName?.trim() || only.text === typedName.trim()) return;
    marks.current = [{ kind: 'typed', text: typedName.trim() }];
    paint(canvas);
    publish();
  }, [typedName, paint, publish]);

  const pointOf = (event: ReactPointerEvent<HTMLCanvasElement> | PointerEvent, canvas: HTMLCanvasElement): Point => {
    const rect = canvas.getBoundingClientRect();
    return { x: Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)), y: Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)) };
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    const canvas = event.currentTarget;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    // Drawing over a typed-name signature starts a drawn one.
    if (marks.current.some((mark) => mark.kind === 'typed')) marks.current = [];
    const points = [pointOf(event, canvas)];
    drawing.current = { pointerId: event.pointerId, points };
    marks.current.push({ kind: 'stroke', points });
    paint(canvas);
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    const stroke = drawing.current;
    if (!stroke || stroke.pointerId !== event.pointerId) return;
    const canvas = event.currentTarget;
    // Coalesced events keep fast pen strokes smooth where the browser batches them.
    const events = event.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const each of events.length > 0 ? events : [event.nativeEvent]) stroke.points.push(pointOf(each, canvas));
    paint(canvas);
  };

  const onPointerEnd = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current || drawing.current.pointerId !== event.pointerId) return;
    drawing.current = null;
    publish();
  };

  const clear = () => {
    marks.current = [];
    drawing.current = null;
    if (canvasRef.current) paint(canvasRef.current);
    publish();
  };

  const signWithTypedName = () => {
    const text = typedName?.trim();
    if (!text || !canvasRef.current) return;
    marks.current = [{ kind: 'typed', text }];
    paint(canvasRef.current);
    publish();
  };

  const describedBy = [`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(' ');

  return (
    <div className={cn('w-full max-w-[600px]', className)}>
      <p id={`${id}-label`} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </p>
      <div className="relative">
        <canvas
          ref={canvasRef}
          id={id}
          role="img"
          aria-label={`${label}: draw your signature here with a mouse, pen or finger`}
          aria-describedby={describedBy}
          className={cn(
            'block aspect-[3/1] w-full cursor-crosshair touch-none rounded-md border bg-white shadow-sm select-none',
            error ? 'border-red-700' : 'border-slate-300',
          )}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerEnd}
          onPointerCancel={onPointerEnd}
          onLostPointerCapture={onPointerEnd}
        />
        {/* The line to sign on: drawn over the canvas, never into the image. */}
        <div aria-hidden="true" className="pointer-events-none absolute inset-x-6 bottom-[22%] flex items-end gap-1 border-b border-slate-300 text-xs text-slate-400">
          <span className="-mb-0.5">×</span>
        </div>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <Button type="button" variant="secondary" onClick={clear} disabled={value === ''}>
          Clear
        </Button>
        {typedName !== undefined ? (
          <Button type="button" variant="ghost" onClick={signWithTypedName} disabled={!typedName.trim()}>
            Use my typed name
          </Button>
        ) : null}
        <span aria-live="polite" className="text-xs text-slate-600">
          {value ? 'Signature drawn.' : ''}
        </span>
      </div>
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
        Your typed name is your legal signature; the drawing is its image. Draw with a mouse, pen or finger{typedName !== undefined ? ', or use your typed name' : ''}.
      </p>
      <p id={`${id}-error`} aria-live="polite" className="mt-1 text-xs text-red-700">
        {error}
      </p>
      <input type="hidden" name={name} value={value} />
    </div>
  );
}
