using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// SIGINT and SIGTERM for a command: the first cancels the action's token, and every command stops on it; if the
/// action is still running after a grace period, or at a second signal, one line says why and the process exits
/// with the interrupted code. The grace period is what catches a command no token reaches: a `cat` writing to a
/// pipe whose reader stopped (`p2p cat CID | less`, Ctrl-C while less holds the pipe) waits in write(2), often on
/// the main thread. System.CommandLine's own handling could not end that case: its signal handler waits for the
/// action on the signal thread and then completes a task the blocked main thread never gets to await (found: such a
/// `cat` ran on until its reader went away). So the signals are handled here and System.CommandLine's are off.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly TimeSpan _grace;
    private readonly PosixSignalRegistration _sigInt;
    private readonly PosixSignalRegistration _sigTerm;
    private Timer? _timer;
    private int _signals;

    /// <param name="grace">How long the action has to stop on its token before the process is ended.</param>
    public Interruption(TimeSpan grace)
    {
        _grace = grace;
        _sigInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled at the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cts.Token;

    private void OnSignal(PosixSignalContext context)
    {
        // The runtime's default would end the process at once, with no line and before any clean-up.
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Expire();
            return;
        }
        Volatile.Write(ref _timer, new Timer(_ => Expire(), null, _grace, Timeout.InfiniteTimeSpan));
        _cts.Cancel();
    }

    private static void Expire()
    {
        if (!CommandRunner.Running)
            return;
        // Straight to descriptor 2: Console.Error takes the lock every console writer shares, which a writer stuck in
        // the kernel may hold.
        using (var stderr = new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, bufferSize: 0))
            stderr.Write("Error: interrupted\n"u8);
        Environment.Exit(ExitCodes.Interrupted);
    }

    public void Dispose()
    {
        _sigInt.Dispose();
        _sigTerm.Dispose();
        Volatile.Read(ref _timer)?.Dispose();
        _cts.Dispose();
    }
}
