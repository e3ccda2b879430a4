using System.Net;
using System.Net.Sockets;

namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>Loopback ports that were free a moment ago (the OS picks them; all held at once so they differ).</summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        var sockets = new Socket[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (Socket? socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }
}
