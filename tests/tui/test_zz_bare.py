import time, pytest
from tests.tui.conftest import SIZE, settle

@pytest.mark.parametrize("area", ["people", "walkthrough", "plan", "preview", "duplicates"])
async def test_bare(make_app, area):
    t0 = time.process_time()
    app = make_app(area)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t1 = time.process_time()
    print(f"\n{area}: start+settle cpu {t1-t0:.2f} total {time.process_time()-t0:.2f}")
