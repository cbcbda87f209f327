using LiteNetLib;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Transport;

/// <summary>
/// Sends LiteNetLib's own diagnostics to the node's log at Debug. Without a logger LiteNetLib writes them to the
/// console, so a busy UDP port printed a socket stack trace on the terminal before the node's one-line error.
/// LiteNetLib has one static logger per process: the first transport started installs its own.
/// </summary>
internal sealed class LiteNetLogBridge(ILogger logger) : INetLogger
{
    private static int _installed;

    public static void Install(ILogger logger)
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
            NetDebug.Logger = new LiteNetLogBridge(logger);
    }

    public void WriteNet(NetLogLevel level, string str, params object[] args)
    {
        if (logger.IsEnabled(LogLevel.Debug))
            logger.LogDebug("LiteNetLib {Level}: {Message}", level, args.Length == 0 ? str : string.Format(System.Globalization.CultureInfo.InvariantCulture, str, args));
    }
}
