# Sourced by the load runs: builds the AppHost and the given load project in Release, starts the
# whole system in Production (as deployed: no developer exception page, and a generated first
# super admin password, exported as ADMIN_PASSWORD; only file:// repositories are
# allowed besides) with its data in a fresh temporary folder and
# an empty git repository to scan, waits for the gateway, and stops everything on exit. Sets
# $gateway and $repository.
# usage: source benchmarks/start-system.sh <load project folder> [extra AppHost arguments...]
load_project=$1
shift

./scripts/install-prerequisites.sh >/dev/null
dotnet build AppHost -c Release -v quiet -nologo
dotnet build "$load_project" -c Release -v quiet -nologo

work=$(mktemp -d /tmp/trustedoss-load-XXXXXX)
chmod 755 "$work"
port=18080
gateway="http://127.0.0.1:$port"
repository="file://$work/repository"
git init -q --initial-branch=main "$work/repository"
git -C "$work/repository" -c user.name=load -c user.email=load@example.com commit -q --allow-empty -m first

# The services inherit these from the AppHost's environment. The repository to scan is a local one.
export Bootstrap__Admin__Password ADMIN_PASSWORD Scans__AllowFileRepositories=true
ADMIN_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
Bootstrap__Admin__Password=$ADMIN_PASSWORD

dotnet run --project AppHost -c Release --no-build --launch-profile http -- \
  "--LocalServers:DataPath=$work/data" "--Gateway:Port=$port" "--environment=Production" "$@" >"$work/apphost.log" 2>&1 &
apphost=$!
trap 'kill $apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 180); do
  curl -fsS "$gateway/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "$gateway/health" >/dev/null || { tail -50 "$work/apphost.log"; exit 1; }
