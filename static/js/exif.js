// When and how a photo was taken, read on the phone before it is shrunk (shrinking drops EXIF):
// the EXIF DateTimeOriginal of a JPEG (its APP1 segment), else the file's lastModified; and
// which button of the form it came from ("camera" or "gallery").

const HEAD = 128 * 1024; // an APP1 segment holds at most 64 KB and comes first

const EXIF_IFD = 0x8769;
const DATE_TIME = 0x0132;
const DATE_TIME_ORIGINAL = 0x9003;
const OFFSET_TIME_ORIGINAL = 0x9011;

// {takenAt: ISO 8601 UTC or "", source}
export async function captureInfo(file, source) {
  let taken = null;
  try {
    taken = exifTime(new DataView(await file.slice(0, HEAD).arrayBuffer()));
  } catch {
    taken = null; // not a JPEG we can read (HEIC, PNG, truncated): fall back to the file's time
  }
  if (!taken && file.lastModified) taken = new Date(file.lastModified);
  return { takenAt: taken ? taken.toISOString() : "", source };
}

// The capture time in a JPEG's bytes, or null.
export function exifTime(view) {
  if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
  let at = 2;
  while (at + 4 <= view.byteLength) {
    const marker = view.getUint16(at);
    if (marker >> 8 !== 0xff || marker === 0xffda || marker === 0xffd9) return null; // image data: no EXIF
    const length = view.getUint16(at + 2);
    if (marker === 0xffe1 && ascii(view, at + 4, 6) === "Exif\0\0") {
      return tiffTime(view, at + 10, Math.min(at + 2 + length, view.byteLength));
    }
    at += 2 + length;
  }
  return null;
}

function ascii(view, at, count) {
  let text = "";
  for (let i = 0; i < count && at + i < view.byteLength; i += 1) text += String.fromCharCode(view.getUint8(at + i));
  return text;
}

// The TIFF structure inside APP1: IFD0, whose EXIF pointer leads to DateTimeOriginal.
function tiffTime(view, start, end) {
  const little = view.getUint16(start) === 0x4949; // "II"; "MM" is big-endian
  const inside = (offset, size) => offset >= 0 && start + offset + size <= end;
  const u16 = (offset) => view.getUint16(start + offset, little);
  const u32 = (offset) => view.getUint32(start + offset, little);
  if (!inside(0, 8) || u16(2) !== 42) return null;

  function entries(offset) {
    const tags = new Map();
    if (!inside(offset, 2)) return tags;
    const count = u16(offset);
    for (let i = 0; i < count && inside(offset + 2 + i * 12, 12); i += 1) {
      const entry = offset + 2 + i * 12;
      tags.set(u16(entry), { type: u16(entry + 2), count: u32(entry + 4), entry });
    }
    return tags;
  }

  function text(tag) {
    if (!tag || tag.type !== 2) return "";
    const offset = tag.count <= 4 ? tag.entry + 8 : u32(tag.entry + 8);
    return inside(offset, tag.count) ? ascii(view, start + offset, tag.count).replace(/\0+$/, "") : "";
  }

  const ifd0 = entries(u32(4));
  const pointer = ifd0.get(EXIF_IFD);
  const exif = pointer ? entries(u32(pointer.entry + 8)) : new Map();
  return parse(text(exif.get(DATE_TIME_ORIGINAL)) || text(ifd0.get(DATE_TIME)), text(exif.get(OFFSET_TIME_ORIGINAL)));
}

// "2025:06:01 12:30:00" is the camera's local time; with OffsetTimeOriginal ("+02:00") it is exact,
// without it the phone's own time zone is the best guess.
function parse(stamp, offset) {
  const m = stamp.match(/^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  if (year < 1990 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const zone = offset.match(/^([+-])(\d{2}):(\d{2})$/);
  const date = zone
    ? new Date(Date.UTC(year, month - 1, day, hour, minute, second)
               - (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) * 60000)
    : new Date(year, month - 1, day, hour, minute, second);
  return Number.isNaN(date.getTime()) ? null : date;
}
