using System.Runtime.InteropServices;
using System.Text;

namespace P2P.DelayLine;

/// <summary>Attaches to a TUN device (made beforehand with `ip tuntap add dev NAME mode tun`, so the script owns its
/// life and its routes) in the calling network namespace, without the 4-byte packet-information header.</summary>
internal static class Tun
{
    /// <summary>Returns a blocking file descriptor whose reads are IP packets the kernel routed into the device and
    /// whose writes are packets the kernel receives from it.</summary>
    public static unsafe int Attach(string name)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length is 0 or > 15)
            throw new ArgumentException("an interface name has 1-15 characters", nameof(name));
        var fd = Libc.Open("/dev/net/tun", Libc.ORdWr);
        if (fd < 0)
            throw new IOException($"open /dev/net/tun: errno {Marshal.GetLastPInvokeError()}");
        // struct ifreq: ifr_name[16], then a union whose first member here is short ifr_flags; 40 bytes in all.
        var ifreq = stackalloc byte[40];
        new Span<byte>(ifreq, 40).Clear();
        nameBytes.CopyTo(new Span<byte>(ifreq, 16));
        *(short*)(ifreq + 16) = Libc.IffTun | Libc.IffNoPi;
        if (Libc.Ioctl(fd, Libc.TunSetIff, ifreq) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = Libc.Close(fd);
            throw new IOException($"TUNSETIFF {name}: errno {errno}");
        }
        return fd;
    }
}
