using System.Net;
using System.Net.Sockets;
using P2P.Node.Errors;

namespace P2P.Node.Hosting;

/// <summary>
/// The one sentence the daemon gives when one of its three listening addresses (UDP, API, gateway) cannot be had:
/// which service, which address, why, and the config key that moves it. A busy port is the usual cause (a second
/// daemon, another program on 5001 or 8080); it is <see cref="ErrorKind.Unavailable"/>, exit code 1, and not a
/// config error: the config is valid, something else holds the port.
/// </summary>
internal static class BindFailure
{
    /// <summary>The error for a TCP service whose bind failed with <paramref name="error"/>, or null when it is no bind failure.</summary>
    public static P2PException? Tcp(string service, IPEndPoint at, string key, string? option, Exception error)
    {
        var code = SocketErrorOf(error);
        if (code is null && error is not IOException)
            return null;
        return new P2PException(ErrorKind.Unavailable, Sentence(service, at, key, option, code), error);
    }

    /// <summary>
    /// The error for the UDP port: LiteNetLib only says that it failed, so a socket of our own tries the same
    /// address to learn why (in use, or not an address of this machine).
    /// </summary>
    public static P2PException Udp(IPEndPoint at, string? option, Exception error)
    {
        SocketError? code = null;
        try
        {
            using var probe = new Socket(at.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(at);
        }
        catch (SocketException e)
        {
            code = e.SocketErrorCode;
        }
        return new P2PException(ErrorKind.Unavailable, Sentence("UDP", at, "listen", option, code), error);
    }

    private static string Sentence(string service, IPEndPoint at, string key, string? option, SocketError? code)
    {
        var why = code switch
        {
            SocketError.AddressAlreadyInUse => "is in use",
            SocketError.AddressNotAvailable => "is not an address of this machine",
            SocketError.AccessDenied => "needs privileges to bind",
            _ => "could not be bound",
        };
        var fix = option is null ? $"set \"{key}\" in config" : $"change {option}";
        return $"{service} {(code == SocketError.AddressNotAvailable ? "address" : "port")} {at} {why} ({fix})";
    }

    /// <summary>The socket error inside <paramref name="error"/> (Kestrel wraps it twice), or null.</summary>
    private static SocketError? SocketErrorOf(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
                return socket.SocketErrorCode;
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException)
                return SocketError.AddressAlreadyInUse;
        }
        return null;
    }
}
