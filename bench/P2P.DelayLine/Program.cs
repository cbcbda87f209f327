using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using P2P.DelayLine;

// A bench tool for scripts/bench-link.sh (docs/perf/links.md): the kernel here has no netem, so delay comes from a
// userspace line on a TUN device in the router namespace, and the link's baseline is a plain TCP copy.
//   P2P.DelayLine run DEV HOLD_US [CAPACITY]   hold every packet routed into DEV for HOLD_US µs, then give it back
//   P2P.DelayLine tcp-serve ADDR PORT FILE [N] send FILE to each of N connections (default 1)
//   P2P.DelayLine tcp-get ADDR PORT            copy one connection to stdout
const string usage = "usage: P2P.DelayLine run DEV HOLD_US [CAPACITY] | tcp-serve ADDR PORT FILE [N] | tcp-get ADDR PORT";
if (args.Length >= 3 && args[0] == "run")
    return Run(args[1], long.Parse(args[2], CultureInfo.InvariantCulture),
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4096);
if (args.Length >= 4 && args[0] == "tcp-serve")
    return await TcpCopy.ServeAsync(IPAddress.Parse(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture), args[3],
        args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1);
if (args.Length == 3 && args[0] == "tcp-get")
    return await TcpCopy.GetAsync(IPAddress.Parse(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture));
Console.Error.WriteLine(usage);
return 2;

static int Run(string device, long holdMicroseconds, int capacity)
{
    var fd = Tun.Attach(device);
    using var line = new PacketLine(fd, holdMicroseconds * 1000, capacity);
    using var stop = new ManualResetEventSlim();
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
    line.Start();
    Console.WriteLine($"delayline: ready on {device}, hold {holdMicroseconds} µs, {capacity} packets");
    stop.Wait();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    Console.WriteLine($"delayline: forwarded {line.Forwarded}, dropped {line.Dropped}, max queue {line.MaxDepth}, " +
        $"write errors {line.WriteErrors}, CPU {cpu:F2} s");
    return 0;
}
