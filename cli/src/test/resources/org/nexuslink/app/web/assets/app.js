// SPDX-License-Identifier: AGPL-3.0-or-later
console.log("stand-in");
