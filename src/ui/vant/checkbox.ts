import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/checkbox-group/index.css'
import 'vant/es/checkbox/index.css'

export { Checkbox as VanCheckbox, CheckboxGroup as VanCheckboxGroup } from 'vant'
