/* placeholder, replaced by the command table */
#include <stdio.h>
#include "usbnet-host/usbnet.h"
int main(void)
{
	printf("usbnet-host %s\n", usbnet_version());
	return 0;
}
