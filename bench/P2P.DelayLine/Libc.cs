using System.Runtime.InteropServices;

namespace P2P.DelayLine;

/// <summary>
/// The few system calls the delay line needs. No NuGet package opens a TUN device (TUNSETIFF is a Linux ioctl on
/// /dev/net/tun), and the BCL's timers are millisecond-grained, so both go straight to libc.
/// </summary>
internal static partial class Libc
{
    public const int ORdWr = 2;
    public const int ClockMonotonic = 1;
    public const int TimerAbsTime = 1;
    public const int EIntr = 4;
    /// <summary>_IOW('T', 202, int) from linux/if_tun.h.</summary>
    public const uint TunSetIff = 0x400454ca;
    public const short IffTun = 0x0001;
    public const short IffNoPi = 0x1000;

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static unsafe partial int Ioctl(int fd, nuint request, byte* arg);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    public static unsafe partial int ClockGetTime(int clock, TimeSpec* now);

    /// <summary>Returns an error number (not -1 and errno), as POSIX specifies for clock_nanosleep.</summary>
    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    public static unsafe partial int ClockNanosleep(int clock, int flags, TimeSpec* request, TimeSpec* remain);

    /// <summary>CLOCK_MONOTONIC in nanoseconds: the clock clock_nanosleep sleeps on, so due times need no conversion.</summary>
    public static unsafe long NowNs()
    {
        TimeSpec t;
        _ = ClockGetTime(ClockMonotonic, &t); // cannot fail for CLOCK_MONOTONIC with a valid pointer
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    /// <summary>Sleeps until CLOCK_MONOTONIC reaches <paramref name="dueNs"/>; the kernel's timer slack (50 µs by
    /// default) lets it batch wake-ups, which is the resolution the line needs.</summary>
    public static unsafe void SleepUntil(long dueNs)
    {
        var t = new TimeSpec { Seconds = dueNs / 1_000_000_000, Nanoseconds = dueNs % 1_000_000_000 };
        while (ClockNanosleep(ClockMonotonic, TimerAbsTime, &t, null) == EIntr)
        {
        }
    }
}
