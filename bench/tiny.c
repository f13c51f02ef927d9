// SPDX-License-Identifier: GPL-2.0
/* tiny.c - the program the storm executes: built static so an exec costs only
 * the kernel's work (no dynamic loader, no libraries), then exits 0. */
int main(void)
{
	return 0;
}
