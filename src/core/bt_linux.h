/* The Linux kernel's Bluetooth socket ABI, as csocket uses it: the address structures of the
 * RFCOMM, L2CAP, HCI and SCO protocols, and the numbers of every protocol, option level, option
 * and option value the built-in module exports.  Included by platform.h on Linux only.
 *
 * Why csocket carries these instead of including BlueZ's headers (<bluetooth/bluetooth.h> and its
 * siblings, libbluetooth-dev): that development package is missing from most build machines
 * (pyenv's builds, CI images, the containers wheels are built in), and a build without it used to
 * leave AF_BLUETOOTH out, so turning csocket on made socket.AF_BLUETOOTH vanish from a
 * distribution's Python that has it. What a program exchanges with the kernel is not BlueZ's to
 * define: these layouts and numbers are the kernel's user-space ABI (net/bluetooth/ in Linux),
 * which the kernel never changes once released, so a copy is as right as the header and the same on
 * every machine csocket is built on.  The static asserts hold each layout to the sizes and offsets
 * the kernel reads. Names are the kernel's (glibc's <sys/socket.h> already has AF_BLUETOOTH and
 * SOL_BLUETOOTH); structure types carry csocket's prefix so they can never clash with BlueZ's.
 */
#ifndef CSK_BT_LINUX_H
#define CSK_BT_LINUX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifndef AF_BLUETOOTH
#define AF_BLUETOOTH 31
#endif

/* ---- protocols (the third argument of socket()) ---- */
#define BTPROTO_L2CAP 0
#define BTPROTO_HCI 1
#define BTPROTO_SCO 2
#define BTPROTO_RFCOMM 3

/* ---- option levels ---- */
#define SOL_HCI 0
#define SOL_L2CAP 6
#define SOL_SCO 17
#define SOL_RFCOMM 18
#ifndef SOL_BLUETOOTH
#define SOL_BLUETOOTH 274
#endif

/* ---- SOL_BLUETOOTH options and their values ---- */
#define BT_SECURITY 4
#define BT_SECURITY_SDP 0
#define BT_SECURITY_LOW 1
#define BT_SECURITY_MEDIUM 2
#define BT_SECURITY_HIGH 3
#define BT_SECURITY_FIPS 4
#define BT_DEFER_SETUP 7
#define BT_FLUSHABLE 8
#define BT_FLUSHABLE_OFF 0
#define BT_FLUSHABLE_ON 1
#define BT_POWER 9
#define BT_POWER_FORCE_ACTIVE_OFF 0
#define BT_POWER_FORCE_ACTIVE_ON 1
#define BT_CHANNEL_POLICY 10
#define BT_CHANNEL_POLICY_BREDR_ONLY 0
#define BT_CHANNEL_POLICY_BREDR_PREFERRED 1
#define BT_VOICE 11
#define BT_VOICE_TRANSPARENT 0x0003
#define BT_VOICE_CVSD_16BIT 0x0060
#define BT_VOICE_TRANSPARENT_16BIT 0x0063
#define BT_SNDMTU 12
#define BT_RCVMTU 13
#define BT_PHY 14
/* BT_PHY's value is a bit mask of these. */
#define BT_PHY_BR_1M_1SLOT 0x00000001
#define BT_PHY_BR_1M_3SLOT 0x00000002
#define BT_PHY_BR_1M_5SLOT 0x00000004
#define BT_PHY_EDR_2M_1SLOT 0x00000008
#define BT_PHY_EDR_2M_3SLOT 0x00000010
#define BT_PHY_EDR_2M_5SLOT 0x00000020
#define BT_PHY_EDR_3M_1SLOT 0x00000040
#define BT_PHY_EDR_3M_3SLOT 0x00000080
#define BT_PHY_EDR_3M_5SLOT 0x00000100
#define BT_PHY_LE_1M_TX 0x00000200
#define BT_PHY_LE_1M_RX 0x00000400
#define BT_PHY_LE_2M_TX 0x00000800
#define BT_PHY_LE_2M_RX 0x00001000
#define BT_PHY_LE_CODED_TX 0x00002000
#define BT_PHY_LE_CODED_RX 0x00004000
#define BT_MODE 15
#define BT_MODE_BASIC 0x00
#define BT_MODE_ERTM 0x01
#define BT_MODE_STREAMING 0x02
#define BT_MODE_LE_FLOWCTL 0x03
#define BT_MODE_EXT_FLOWCTL 0x04
#define BT_PKT_STATUS 16
#define BT_ISO_QOS 17
#define BT_CODEC 19

/* ---- HCI: SOL_HCI options, devices and channels ---- */
#define HCI_DATA_DIR 1
#define HCI_FILTER 2
#define HCI_TIME_STAMP 3
#define HCI_DEV_NONE 0xffff /* hci_dev of a channel not tied to one controller */
#define HCI_CHANNEL_RAW 0
#define HCI_CHANNEL_USER 1
#define HCI_CHANNEL_MONITOR 2
#define HCI_CHANNEL_CONTROL 3
#define HCI_CHANNEL_LOGGING 4

/* ---- L2CAP: the SOL_L2CAP link-mode option and its bits ---- */
#define L2CAP_LM 0x03
#define L2CAP_LM_MASTER 0x0001
#define L2CAP_LM_AUTH 0x0002
#define L2CAP_LM_ENCRYPT 0x0004
#define L2CAP_LM_TRUSTED 0x0008
#define L2CAP_LM_RELIABLE 0x0010
#define L2CAP_LM_SECURE 0x0020

/* ---- address types (sockaddr_l2's l2_bdaddr_type) ---- */
#define BDADDR_BREDR 0x00
#define BDADDR_LE_PUBLIC 0x01
#define BDADDR_LE_RANDOM 0x02

/* ---- addresses ---- */

/* A device address: six bytes, least significant first (the text form writes them the other way
 * round).  Byte-aligned, so it packs without padding inside the structures below. */
typedef struct {
    uint8_t b[6];
} csk_bdaddr;

/* RFCOMM: the device and a channel (1-30). */
struct csk_sockaddr_rc {
    sa_family_t rc_family;
    csk_bdaddr rc_bdaddr;
    uint8_t rc_channel;
};

/* L2CAP: a PSM or a fixed channel id (both little-endian, whatever the host's byte order), and
 * whether the device address is BR/EDR or LE (public or random). */
struct csk_sockaddr_l2 {
    sa_family_t l2_family;
    uint16_t l2_psm;
    csk_bdaddr l2_bdaddr;
    uint16_t l2_cid;
    uint8_t l2_bdaddr_type;
};

/* HCI: a controller by number (or HCI_DEV_NONE) and a channel (HCI_CHANNEL_*), host byte order. */
struct csk_sockaddr_hci {
    sa_family_t hci_family;
    unsigned short hci_dev;
    unsigned short hci_channel;
};

/* SCO: the device only. */
struct csk_sockaddr_sco {
    sa_family_t sco_family;
    csk_bdaddr sco_bdaddr;
};

/* The lengths the kernel checks bind()/connect() against, and where it reads each field. */
_Static_assert(sizeof(csk_bdaddr) == 6, "bdaddr_t is 6 bytes");
_Static_assert(sizeof(struct csk_sockaddr_rc) == 10, "sockaddr_rc is 10 bytes");
_Static_assert(offsetof(struct csk_sockaddr_rc, rc_bdaddr) == 2, "rc_bdaddr at 2");
_Static_assert(offsetof(struct csk_sockaddr_rc, rc_channel) == 8, "rc_channel at 8");
_Static_assert(sizeof(struct csk_sockaddr_l2) == 14, "sockaddr_l2 is 14 bytes");
_Static_assert(offsetof(struct csk_sockaddr_l2, l2_psm) == 2, "l2_psm at 2");
_Static_assert(offsetof(struct csk_sockaddr_l2, l2_bdaddr) == 4, "l2_bdaddr at 4");
_Static_assert(offsetof(struct csk_sockaddr_l2, l2_cid) == 10, "l2_cid at 10");
_Static_assert(offsetof(struct csk_sockaddr_l2, l2_bdaddr_type) == 12, "l2_bdaddr_type at 12");
_Static_assert(sizeof(struct csk_sockaddr_hci) == 6, "sockaddr_hci is 6 bytes");
_Static_assert(offsetof(struct csk_sockaddr_hci, hci_dev) == 2, "hci_dev at 2");
_Static_assert(offsetof(struct csk_sockaddr_hci, hci_channel) == 4, "hci_channel at 4");
_Static_assert(sizeof(struct csk_sockaddr_sco) == 8, "sockaddr_sco is 8 bytes");
_Static_assert(offsetof(struct csk_sockaddr_sco, sco_bdaddr) == 2, "sco_bdaddr at 2");

#endif /* CSK_BT_LINUX_H */
