using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using P2P.DelayLine;

// A bench tool for scripts/bench-link.sh (docs/perf/links.md): the kernel here has no netem, so delay comes from a
// userspace line on a TUN device in the router namespace.
//   P2P.DelayLine run DEV HOLD_US [CAPACITY]   hold every packet routed into DEV for HOLD_US µs, then give it back;
//                                              CAPACITY (packets, a power of two, default 4096) bounds the queue
if (args.Length is 3 or 4 && args[0] == "run")
    return Run(args[1], long.Parse(args[2], CultureInfo.InvariantCulture),
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4096);
Console.Error.WriteLine("usage: P2P.DelayLine run DEV HOLD_US [CAPACITY]");
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
