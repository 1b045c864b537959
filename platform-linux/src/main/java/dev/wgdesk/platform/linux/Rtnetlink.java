package dev.wgdesk.platform.linux;

/**
 * The netlink and rtnetlink values this module puts on or reads off the wire, named as in the
 * kernel's uapi headers ({@code linux/netlink.h}, {@code linux/rtnetlink.h},
 * {@code linux/if_link.h}); the sizes of the fixed structs (which the headers give only as
 * {@code sizeof}) end in {@code _SIZE}. Used by {@link NetlinkSocket}, {@link RouteLookup},
 * {@link NetlinkHub}, {@link RouteWatch}, {@link DefaultRouteMonitor}, {@link LinkMonitor} and {@link LinkEvents}.
 */
final class Rtnetlink {
    // linux/socket.h, linux/netlink.h: the socket and its address
    static final int AF_NETLINK = 16;
    static final int NETLINK_ROUTE = 0;
    /** {@code sizeof(struct sockaddr_nl)}: family (u16), pad (u16), port id (u32), groups (u32). */
    static final int SOCKADDR_NL_SIZE = 12;

    // linux/netlink.h: the message header
    /** {@code NLMSG_HDRLEN}: the aligned {@code struct nlmsghdr} (length, type, flags, seq, port id). */
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 1;

    // linux/rtnetlink.h: message types
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;

    // linux/rtnetlink.h: multicast groups (the legacy bit masks bound in sockaddr_nl.nl_groups)
    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV4_ROUTE = 0x40;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    static final int RTMGRP_IPV6_ROUTE = 0x400;

    // linux/if_addr.h: struct ifaddrmsg (family, prefix length, flags, scope, index)
    static final int IFADDRMSG_SIZE = 8;

    // linux/rtnetlink.h: struct rtmsg, its values and its attributes
    /** {@code sizeof(struct rtmsg)}: family, dst_len, src_len, tos, table, protocol, scope, type, flags (u32). */
    static final int RTMSG_SIZE = 12;
    static final int RT_TABLE_MAIN = 254;
    static final int RTN_UNICAST = 1;
    static final int RTM_F_LOOKUP_TABLE = 0x1000;
    static final int RTA_DST = 1;
    static final int RTA_SRC = 2;
    static final int RTA_OIF = 4;
    static final int RTA_METRICS = 8;
    static final int RTA_TABLE = 15;
    static final int RTA_MARK = 16;
    static final int RTAX_LOCK = 1;
    static final int RTAX_MTU = 2;

    // linux/rtnetlink.h, linux/if_link.h: struct ifinfomsg and its attributes
    /** {@code sizeof(struct ifinfomsg)}: family, pad, type (u16), index (s32), flags (u32), change (u32). */
    static final int IFINFOMSG_SIZE = 16;
    static final int IFLA_MTU = 4;

    private Rtnetlink() {}
}
