/**
 * The first Go release published as a toolchain module (golang.org/toolchain), which is how a dev
 * box gets go.version: its distribution's Go downloads it, as GOTOOLCHAIN does.
 */
export const TOOLCHAIN_MODULES_SINCE = "1.21.0";
