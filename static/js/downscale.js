// Shrink a photo on the phone before it is sent or kept: upright (EXIF orientation applied),
// longest side at most 1600 px, JPEG quality 0.8. A 12 MP photo of 4-6 MB becomes ~300 KB.
// When the browser cannot decode the file (e.g. HEIC outside Safari), the original is kept:
// the server reads it.

export const LONGEST = 1600;
export const QUALITY = 0.8;

export async function downscale(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return { blob: file, name: file.name || "photo.jpg", scaled: false };
  }
  try {
    const ratio = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * ratio);
    const height = Math.round(bitmap.height * ratio);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
    if (!blob) return { blob: file, name: file.name || "photo.jpg", scaled: false };
    return { blob, name: "photo.jpg", scaled: true, width, height };
  } finally {
    bitmap.close();
  }
}
