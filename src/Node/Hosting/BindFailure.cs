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

    /// <summary>
    /// Tries each fixed port (not 0) before the node starts anything, so that a busy port costs the user one line
    /// and not a node started and stopped again. Another program can still take a port in between: the errors of
    /// the real binds (<see cref="Tcp"/>, <see cref="Udp"/>) say the same then.
    /// </summary>
    public static void Preflight(IPEndPoint udp, string? udpOption, IPEndPoint api, string? apiOption, IPEndPoint gateway, string? gatewayOption)
    {
        if (Try(udp, SocketType.Dgram, ProtocolType.Udp) is { } udpError)
            throw new P2PException(ErrorKind.Unavailable, Sentence("UDP", udp, "listen", udpOption, udpError));
        if (Try(api, SocketType.Stream, ProtocolType.Tcp) is { } apiError)
            throw new P2PException(ErrorKind.Unavailable, Sentence("API", api, "api", apiOption, apiError));
        if (Try(gateway, SocketType.Stream, ProtocolType.Tcp) is { } gatewayError)
            throw new P2PException(ErrorKind.Unavailable, Sentence("gateway", gateway, "gateway", gatewayOption, gatewayError));
    }

    private static SocketError? Try(IPEndPoint at, SocketType type, ProtocolType protocol)
    {
        if (at.Port == 0)
            return null;
        try
        {
            using var socket = new Socket(at.AddressFamily, type, protocol);
            // As Kestrel binds: a port whose last connections linger in TIME_WAIT is free to listen on.
            if (type == SocketType.Stream)
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(at);
            if (type == SocketType.Stream)
                socket.Listen(1);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
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
